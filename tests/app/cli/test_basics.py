from __future__ import annotations


def test_version_and_help_run_as_a_real_command(run_cli) -> None:
    result = run_cli("--version")
    assert result.returncode == 0, result.stderr
    assert "CallShield" in result.stdout
    result = run_cli("--help")
    assert result.returncode == 0, result.stderr
    assert "来电护盾" in result.stdout
