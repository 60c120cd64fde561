import hashlib
import io
from importlib import resources
from pathlib import Path
from urllib.error import URLError

import pytest

from skfrl.datasets import _base, fetch_adult, fetch_compas, get_data_home
from skfrl.datasets._base import RemoteFile, _fetch_file, _find_local, _sha256

CONTENT = b"1,2,3\n4,5,6\n"
REMOTE = RemoteFile(
    "toy.csv", "https://example.invalid/toy.csv", hashlib.sha256(CONTENT).hexdigest()
)


class FakeResponse(io.BytesIO):
    """What urlopen returns; it can fail after the first chunk."""

    def __init__(self, content, fail_after_first_read=False):
        super().__init__(content)
        self.fail_after_first_read = fail_after_first_read
        self.n_reads = 0

    def read(self, size=-1):
        self.n_reads += 1
        if self.fail_after_first_read and self.n_reads > 1:
            raise ConnectionResetError("connection reset by peer")
        return super().read(4 if self.fail_after_first_read else size)


@pytest.fixture
def fake_urlopen(monkeypatch):
    """Replace urlopen; never touch the network. Returns the list of URLs asked."""
    state = {"content": CONTENT, "fail": False, "error": None, "urls": []}

    def urlopen(url, timeout=None):
        state["urls"].append(url)
        if state["error"] is not None:
            raise state["error"]
        return FakeResponse(state["content"], state["fail"])

    monkeypatch.setattr(_base, "urlopen", urlopen)
    return state


def test_get_data_home_argument_env_and_default(monkeypatch, tmp_path):
    assert get_data_home(tmp_path) == str(tmp_path)
    monkeypatch.setenv("SKFRL_DATA_HOME", str(tmp_path / "env"))
    assert get_data_home() == str(tmp_path / "env")
    monkeypatch.delenv("SKFRL_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert get_data_home() == str(tmp_path / "skfrl_data")
    assert not (tmp_path / "skfrl_data").exists()


@pytest.mark.parametrize("subfolder", ["", "toy"])
def test_local_file_found_directly_or_in_dataset_folder(
    tmp_path, subfolder, fake_urlopen
):
    folder = tmp_path / subfolder
    folder.mkdir(exist_ok=True)
    (folder / "toy.csv").write_bytes(CONTENT)
    assert _find_local("toy", "toy.csv", tmp_path) == folder / "toy.csv"
    assert _fetch_file("toy", REMOTE, tmp_path, True) == folder / "toy.csv"
    assert fake_urlopen["urls"] == []


@pytest.mark.parametrize(
    "damage",
    [
        lambda path: path.write_bytes(b""),  # emptied
        lambda path: path.write_bytes(CONTENT[:-3]),  # cut short
        lambda path: path.write_bytes(CONTENT + b"7,8,9\n"),  # garbage appended
        lambda path: path.write_bytes(CONTENT.replace(b"5", b"6")),  # one byte
    ],
)
def test_a_damaged_local_file_is_refused_naming_it(tmp_path, fake_urlopen, damage):
    folder = tmp_path / "toy"
    folder.mkdir()
    path = folder / "toy.csv"
    path.write_bytes(CONTENT)
    assert _fetch_file("toy", REMOTE, tmp_path, False) == path
    damage(path)
    with pytest.raises(OSError, match=f"local file {path} is damaged.*{REMOTE.sha256}"):
        _fetch_file("toy", REMOTE, tmp_path, True)
    assert fake_urlopen["urls"] == []  # never replaced behind the user's back


def test_a_killed_downloads_partial_file_is_removed_by_the_next(tmp_path, fake_urlopen):
    folder = tmp_path / "toy"
    folder.mkdir()
    (folder / ".toy.csv.abc123").write_bytes(b"1,2")  # what kill -9 leaves
    _fetch_file("toy", REMOTE, tmp_path, True)
    assert sorted(p.name for p in folder.iterdir()) == ["toy.csv"]


def test_download_writes_verified_file(tmp_path, fake_urlopen):
    path = _fetch_file("toy", REMOTE, tmp_path, True)
    assert path == tmp_path / "toy" / "toy.csv"
    assert path.read_bytes() == CONTENT
    assert fake_urlopen["urls"] == [REMOTE.url]
    assert sorted(p.name for p in path.parent.iterdir()) == ["toy.csv"]


def test_checksum_mismatch_deletes_download(tmp_path, fake_urlopen):
    fake_urlopen["content"] = b"tampered"
    with pytest.raises(OSError, match="Checksum mismatch for toy.csv"):
        _fetch_file("toy", REMOTE, tmp_path, True)
    assert not (tmp_path / "toy").exists()  # no partial file, no empty folder


def test_interrupted_download_leaves_no_partial_file(tmp_path, fake_urlopen):
    fake_urlopen["fail"] = True
    with pytest.raises(OSError, match="Could not download toy.csv"):
        _fetch_file("toy", REMOTE, tmp_path, True)
    assert not (tmp_path / "toy").exists()


@pytest.mark.network
@pytest.mark.parametrize(
    "fetch, dataset, filename",
    [
        (fetch_adult, "adult", "adult.data"),
        (fetch_compas, "compas", "compas-scores-two-years.csv"),
    ],
)
def test_offline_error_says_which_file_goes_where(
    tmp_path, fake_urlopen, fetch, dataset, filename
):
    fake_urlopen["error"] = URLError("no route to host")
    with pytest.raises(OSError) as excinfo:
        fetch(data_home=tmp_path)
    message = str(excinfo.value)
    assert filename in message
    assert str(tmp_path / dataset) in message
    assert "SKFRL_DATA_HOME" in message
    assert isinstance(excinfo.value.__cause__, URLError)
    assert not (tmp_path / dataset).exists()


@pytest.mark.network
def test_no_download_when_not_allowed(tmp_path, fake_urlopen):
    with pytest.raises(FileNotFoundError, match="download_if_missing=False"):
        fetch_compas(data_home=tmp_path, download_if_missing=False)
    assert fake_urlopen["urls"] == []
    assert not Path(tmp_path, "compas").exists()


def test_bundled_german_matches_pinned_checksum():
    path = resources.files("skfrl.datasets").joinpath("data", "german.data")
    with resources.as_file(path) as local:
        assert _sha256(local) == (
            "b21f3d81db8071257d5ff1deaeba1fd4303b62712e6fcc9715c7a86202cb5871"
        )


@pytest.mark.parametrize("name", ["adult", "german", "compas", "drug"])
def test_descriptions_ship_with_the_package(name):
    assert len(_base._load_descr(name)) > 500
