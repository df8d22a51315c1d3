"""Materialise the datasets of together-python's unit tests as files (shared/data/together-cases).

Usage: python3 together-cases.py OUTDIR TEST_FILE.py [TEST_FILE.py ...]

Each `test_check_jsonl_*` function of the given test files writes a dataset and hands it to
`together.utils.files.check_file`. We import the files with stand-ins for `together` and
`pytest`: our `check_file` copies the dataset it is given to OUTDIR/<test name>.jsonl (a
parametrized test: <test name>_<first parameter>.jsonl) and returns a report that says yes to
everything, so the tests' own assertions may fail; that is expected and ignored. Functions run in
file order, parameters in order, in one process, as pytest runs them (a test may modify module data
that later tests read). Standard library only; the test files are third-party and never committed.
"""

import importlib.util
import shutil
import sys
import tempfile
import types
from pathlib import Path

PREFIX = "test_check_jsonl_"


class _Param:
    def __init__(self, *values, id=None, marks=()):
        self.values = values
        self.id = id


def _parametrize(argnames, argvalues):
    names = [n.strip() for n in argnames.split(",")] if isinstance(argnames, str) else list(argnames)

    def mark(fn):
        cases = [v if isinstance(v, _Param) else _Param(*(v if len(names) > 1 else (v,))) for v in argvalues]
        fn.together_cases = (names, cases)
        return fn

    return mark


class _Report(dict):
    """A report in which every check passed: any key reads as True."""

    def __missing__(self, key):
        return True


class _Any:
    """FilePurpose.Eval and the like: only imported, never used by the jsonl tests."""

    def __getattr__(self, name):
        return name


def _install_stubs(state):
    def check_file(file, *args, **kwargs):
        if state["current"] is None:
            raise RuntimeError("check_file called outside a test_check_jsonl_* function")
        dest = state["outdir"] / f"{state['current']}.jsonl"
        if dest.exists():
            raise RuntimeError(f"{dest.name} written twice")
        shutil.copyfile(file, dest)
        state["written"].append(dest.name)
        return _Report()

    pytest = types.ModuleType("pytest")
    pytest.param = _Param
    pytest.mark = types.SimpleNamespace(parametrize=_parametrize)
    together = types.ModuleType("together")
    together.__path__ = []
    utils = types.ModuleType("together.utils")
    utils.__path__ = []
    files = types.ModuleType("together.utils.files")
    files.check_file = check_file
    files.FilePurpose = _Any()
    constants = types.ModuleType("together.constants")
    constants.MIN_SAMPLES = 1
    together.utils, together.constants, utils.files = utils, constants, files
    sys.modules.update({
        "pytest": pytest,
        "together": together,
        "together.utils": utils,
        "together.utils.files": files,
        "together.constants": constants,
    })


def _run(state, name, fn, kwargs):
    state["current"] = name
    with tempfile.TemporaryDirectory() as tmp:
        before = len(state["written"])
        try:
            fn(tmp_path=Path(tmp), **kwargs)
        except AssertionError:
            pass  # our report is fake: the test's verdict means nothing here
        if len(state["written"]) != before + 1:
            raise RuntimeError(f"{name} called check_file {len(state['written']) - before} times, not once")
    state["current"] = None


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    outdir = Path(argv[1])
    outdir.mkdir(parents=True, exist_ok=True)
    state = {"outdir": outdir, "current": None, "written": []}
    _install_stubs(state)
    for i, source in enumerate(argv[2:]):
        spec = importlib.util.spec_from_file_location(f"together_cases_source_{i}", source)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for name, fn in list(vars(module).items()):
            if not (name.startswith(PREFIX) and callable(fn)):
                continue
            if hasattr(fn, "together_cases"):
                names, cases = fn.together_cases
                for case in cases:
                    _run(state, f"{name}_{case.values[0]}", fn, dict(zip(names, case.values)))
            else:
                _run(state, name, fn, {})
    print(f"{len(state['written'])} files in {outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
