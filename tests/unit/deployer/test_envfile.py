"""Environment files: the shipped ones load; mistakes name the file, the key and the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from slidegen.deployer.envfile import EnvFileError, load_env_file


def write(tmp_path: Path, text: str, env: str = "dev") -> Path:
    (tmp_path / "deploy").mkdir(exist_ok=True)
    (tmp_path / "deploy" / f"{env}.yaml").write_text(text)
    return tmp_path


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_shipped_environment_files_are_valid(env: str) -> None:
    loaded = load_env_file(env)
    assert loaded.app_env()["SERVING_ENDPOINT"] == {"valueFrom": "serving-endpoint"}
    assert loaded.app_spec().name == loaded.name


def test_defaults_and_folder_placeholders(tmp_path: Path) -> None:
    env = load_env_file("dev", write(tmp_path, "name: my-app\nenv:\n  DEBUG: true\n  N: 3\n"))
    assert env.compute_size == "MEDIUM" and env.permissions == []
    assert env.folder("a@b.com") == "/Workspace/Users/a@b.com/apps/my-app"
    assert env.app_env() == {"DEBUG": "true", "N": "3"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name: My_App\n", "deploy/dev.yaml: name: String should match pattern"),
        ("name: ok-app\ncompute_size: HUGE\n", "deploy/dev.yaml: compute_size: Input should be"),
        ("name: ok-app\ncolour: blue\n", "deploy/dev.yaml: colour: unknown key"),
        (
            "name: ok-app\npermissions:\n  - level: CAN_USE\n",
            "deploy/dev.yaml: permissions.0: give exactly one of user_name",
        ),
        (
            "name: ok-app\npermissions:\n  - group_name: users\n    level: CAN_RUN\n",
            "deploy/dev.yaml: permissions.0.level",
        ),
        (
            "name: ok-app\nenv:\n  X: {value_from: nowhere}\n",
            "value_from 'nowhere' names no resource",
        ),
        ("name: ok-app\nresources:\n  - name: r\n", "resources.0: give exactly one of"),
        ("name: ok-app\nworkspace_folder: relative/path\n", "absolute workspace path"),
        ("name: ok\n  bad: [indent\n", "deploy/dev.yaml: line 2: invalid YAML"),
        ("- just\n- a list\n", "expected a mapping"),
    ],
)
def test_mistakes_are_reported_with_file_key_and_problem(
    tmp_path: Path, text: str, expected: str
) -> None:
    with pytest.raises(EnvFileError) as error:
        load_env_file("dev", write(tmp_path, text))
    assert expected in str(error.value)


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    with pytest.raises(EnvFileError) as error:
        load_env_file("dev", write(tmp_path, "name: X\ncompute_size: TINY\nextra: 1\n"))
    assert len(str(error.value).splitlines()) == 3


def test_missing_or_malformed_environment_names(tmp_path: Path) -> None:
    write(tmp_path, "name: ok-app\n", env="dev")
    with pytest.raises(
        EnvFileError,
        match=r"deploy/qa\.yaml: no such environment file "
        r"\(known: dev\)",
    ):
        load_env_file("qa", tmp_path)
    with pytest.raises(EnvFileError, match="invalid environment name"):
        load_env_file("../etc/passwd", tmp_path)
