"""What the docs need from the source: parsable modules, readable signatures."""

import inspect
import pkgutil

import pytest

import skfrl
import skfrl.metrics

MODULES = [m.name for m in pkgutil.walk_packages(skfrl.__path__, "skfrl.")]


@pytest.mark.parametrize("name", MODULES)
def test_sphinx_can_read_every_module_for_its_source_page(name):
    # a module Sphinx cannot parse gets a broken link in _modules/index.html
    pycode = pytest.importorskip("sphinx.pycode")
    pycode.ModuleAnalyzer.for_module(name).find_tags()


@pytest.mark.parametrize("name", skfrl.metrics.__all__)
def test_help_shows_array_like_by_name(name):
    function = getattr(skfrl.metrics, name)
    if not inspect.isfunction(function):
        return
    for parameter in inspect.signature(function).parameters.values():
        annotation = parameter.annotation
        assert annotation is inspect.Parameter.empty or isinstance(annotation, str), (
            f"{name}({parameter.name}: {annotation!r}) expands in help()"
        )
