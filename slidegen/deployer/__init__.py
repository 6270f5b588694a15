"""The deploy tool behind `slidegen deploy`, `status`, `logs`, `rollback`, `delete` and `bundle`.

- `envfile`: the per-environment settings (`deploy/<env>.yaml`), validated on load;
- `client`: the `WorkspaceClient` factory, auth help, and API errors made readable;
- `manifest`: content hashes of a package and the plan (upload, delete, mkdirs) against the
  manifest kept in the workspace folder;
- `uploader`: executes a plan with bounded parallelism (and the naive uploader B5 compares with);
- `apps`: create or update the app, start it, deploy, wait, permissions, verify;
- `pipeline`: the deploy flow as an ordered list of named steps (steps are added by adding entries);
- `operations`: status, rollback and delete; `logs`: the app's log stream; `bundle`: a
  `databricks.yml` equivalent to an environment file;
- `report`: progress for humans (rich) or one JSON document for scripts.
"""
