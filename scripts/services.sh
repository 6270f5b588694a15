#!/usr/bin/env bash
# The tests use the machine's PostgreSQL (127.0.0.1:5432, database `test`) and Redis (6379) as
# real services. This kind of machine starts both before a session; start them if they stopped.
set -uo pipefail
pg_up() { (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }
redis_up() { (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; }
if ! pg_up && command -v pg_ctlcluster >/dev/null; then
  echo "[services] starting PostgreSQL" >&2
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
fi
if ! redis_up && command -v redis-server >/dev/null; then
  echo "[services] starting Redis" >&2
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
fi
for _ in $(seq 1 30); do pg_up && redis_up && exit 0; sleep 1; done
pg_up || echo "[services] PostgreSQL is not reachable on 127.0.0.1:5432" >&2
redis_up || echo "[services] Redis is not reachable on 127.0.0.1:6379" >&2
exit 0
