import pytest

from skfrl.experiments import run_demo
from skfrl.experiments._cli import build_parser, main
from skfrl.experiments._demo import _load


def test_help_explains_the_demo(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["demo", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "--dataset" in out and "--seeds" in out and "--ratio" in out
    assert "--threads" in out


def test_unknown_dataset_is_rejected(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["demo", "--dataset", "mnist"])
    assert "invalid choice" in capsys.readouterr().err


def test_demo_prints_a_paired_table_with_the_entropy():
    lines = []
    table = run_demo(dataset="german", n_seeds=1, max_epochs=2, print_fn=lines.append)
    assert list(table.columns) == [
        "H(s)",
        "clean",
        "duplicate",
        "eng",
        "ΔBCE vs duplicate",
    ]
    # the paper's sign: control minus condition, > 0 = ENG leaks more
    assert table.loc[0, "ΔBCE vs duplicate"] == pytest.approx(
        table.loc[0, "duplicate"] - table.loc[0, "eng"]
    )
    assert 0.3 < table.loc[0, "H(s)"] < 0.7
    assert any("ΔBCE vs duplicate = BCE(duplicate) − BCE(eng)" in x for x in lines)
    assert all("ENG - duplicates" not in line for line in lines)


def test_demo_runs_on_the_threads_it_is_given_and_restores_them():
    import torch

    before = torch.get_num_threads()
    lines = []
    run_demo(
        dataset="german", n_seeds=1, max_epochs=1, n_threads=1, print_fn=lines.append
    )
    assert "1 thread(s)" in lines[0]
    assert torch.get_num_threads() == before
    with pytest.raises(ValueError, match="n_threads"):
        run_demo(dataset="german", n_threads=0, print_fn=lines.append)


def test_auto_demo_falls_back_to_german_without_adult(tmp_path, monkeypatch):
    monkeypatch.setenv("SKFRL_DATA_HOME", str(tmp_path))
    name, X, y, s = _load("auto")
    assert name == "german" and X.shape == (1000, 62)
    assert not any(tmp_path.iterdir())  # nothing was downloaded


def test_demo_rejects_an_unknown_dataset():
    with pytest.raises(ValueError, match="dataset must be one of"):
        run_demo(dataset="mnist", print_fn=lambda line: None)


def test_help_explains_run_and_report(capsys):
    for command, options in [
        (
            "run",
            [
                "--preset",
                "--config",
                "--out",
                "--n-jobs",
                "--backend",
                "--scheduler",
                "--protocol",
                "--dry-run",
                "--quiet",
            ],
        ),
        ("report", ["results", "--out-dir"]),
    ]:
        with pytest.raises(SystemExit) as exc:
            main([command, "--help"])
        assert exc.value.code == 0
        out = capsys.readouterr().out
        assert all(option in out for option in options)


def test_run_needs_a_preset_or_a_config(tmp_path):
    with pytest.raises(SystemExit, match="give --preset, --config or both"):
        main(["run", "--out", str(tmp_path)])


def test_config_file_overrides_the_preset_and_protocol_overrides_both(tmp_path):
    from skfrl.experiments._cli import _run_config

    path = tmp_path / "more.toml"
    path.write_text("seeds = 5\npoison_ratios = [0.05, 0.1]\n")
    args = build_parser().parse_args(
        [
            "run",
            "--preset",
            "quick",
            "--config",
            str(path),
            "--out",
            "x",
            "--protocol",
            "retrain",
        ]
    )
    config = _run_config(args)
    assert config["datasets"] == ["german"] and config["seeds"] == [0, 1, 2, 3, 4]
    assert config["poison_ratios"] == [0.05, 0.1]
    assert config["protocols"] == ["retrain"]


def test_invalid_config_is_a_clear_exit(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('datasets = ["mnist"]\n')
    with pytest.raises(SystemExit, match="Unknown dataset 'mnist'"):
        main(["run", "--preset", "quick", "--config", str(path), "--out", "x"])


def test_dry_run_prints_the_plan_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "paper"
    assert (
        main(
            [
                "run",
                "--preset",
                "paper",
                "--out",
                str(out),
                "--dry-run",
                "--n-jobs",
                "2",
            ]
        )
        == 0
    )
    text = capsys.readouterr().out
    assert "120 cells, 0 already done, 120 to run on 2 worker(s); estimated" in text
    assert not out.exists()


def test_report_writes_tables_and_plots(tiny_run, tmp_path, capsys):
    pytest.importorskip("matplotlib")
    out, _ = tiny_run
    assert main(["report", str(out), "--out-dir", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("| dataset | victim |")
    assert {p.name for p in tmp_path.iterdir()} == {
        "table.md",
        "table.csv",
        "leakage_synthetic_finetune.png",
        "fairness_synthetic_finetune.png",
        "feature_change_synthetic_finetune.png",
    }


def test_report_of_an_empty_folder_is_a_clear_exit(tmp_path):
    with pytest.raises(SystemExit, match="no finished cell"):
        main(["report", str(tmp_path)])
    with pytest.raises(SystemExit, match="No results folder"):
        main(["report", str(tmp_path / "missing")])


def test_report_refuses_a_folder_of_two_configurations(tiny_config, tmp_path):
    from skfrl.experiments import run_experiment

    one = tiny_config(poison_ratios=[0.1], seeds=1, attacks=["sensitive_flip"])
    run_experiment(one, tmp_path, verbose=0)
    run_experiment({**one, "n_epochs": 1}, tmp_path, verbose=0)
    with pytest.raises(SystemExit, match="2 configurations .*n_epochs"):
        main(["report", str(tmp_path)])


def test_the_protocol_choices_are_the_attacks_protocols():
    from skfrl.attacks import PROTOCOLS

    action = next(
        a
        for a in build_parser()._subparsers._group_actions[0].choices["run"]._actions
        if a.dest == "protocol"
    )
    assert tuple(action.choices) == PROTOCOLS
