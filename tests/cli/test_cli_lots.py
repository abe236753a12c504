from pathlib import Path

from typer.testing import CliRunner

from lotline.cli import app


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    return result.exit_code, result.output


def test_lots_generate_prints_the_series() -> None:
    assert cli("lots", "generate", "SN0009", "3") == (0, "SN0009\nSN0010\nSN0011\n")


def test_lots_generate_refuses_a_bad_count() -> None:
    code, out = cli("lots", "generate", "SN1", "0")
    assert code == 2 and "1 to 1,000,000" in " ".join(out.split())


def test_lots_next_and_scan(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert cli("--db", db, "init")[0] == 0
    cli(
        "--db",
        db,
        "products",
        "add",
        "FG",
        "Finished",
        "--tracking",
        "serial",
        "--lot-prefix",
        "FG",
        "--gtin",
        "09506000134352",
    )
    assert cli("--db", db, "lots", "next", "FG") == (0, "FG0000001\n")
    code, out = cli("--db", db, "scan", "(01)09506000134352(17)250200(21)FG0000042")
    assert code == 0
    assert "FG (Finished)" in out and "FG0000042" in out and "2025-02-28" in out
    code, out = cli("--db", db, "scan", "(01)09506000134353")
    assert code == 2 and "check digit" in out
