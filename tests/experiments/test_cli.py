import pytest

from skfrl.experiments import run_demo
from skfrl.experiments._cli import build_parser, main


def test_help_explains_the_demo(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["demo", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "--dataset" in out and "--seeds" in out and "--ratio" in out


def test_unknown_dataset_is_rejected(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["demo", "--dataset", "mnist"])
    assert "invalid choice" in capsys.readouterr().err


def test_demo_prints_a_paired_table():
    lines = []
    table = run_demo(n_seeds=1, max_epochs=2, print_fn=lines.append)
    assert list(table.columns) == ["clean", "duplicates", "ENG", "ENG - duplicates"]
    assert table.loc[0, "ENG - duplicates"] == pytest.approx(
        table.loc[0, "ENG"] - table.loc[0, "duplicates"]
    )
    assert any("ENG leaks more in" in line for line in lines)
