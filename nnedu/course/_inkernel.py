"""The grader's code inside a submission's kernel.

The grading worker sends this file's text (read by the grader before any
submission ran) to the kernel and calls :func:`install` *before* the
notebook's own cells run. ``install`` compiles private copies of the check
modules from source text the grader holds (never from the installed files,
which a submission could have rewritten), under names no notebook imports,
and notes every function of numpy, nnedu and builtins. After the notebook's
cells, :func:`grade` runs one exercise's check, with its hidden tests, on
the student's function looked up by name in the final state of the kernel,
and reports:

- the check's record (grading mode: every case counted, for partial credit);
- ``tampered``: a function of numpy, nnedu, the checks or builtins that is
  no longer the one noted before the notebook ran (the checks were patched);
- ``reference``: functions of the shipped check modules that the student's
  code called while the check ran (the reference answers).

A submission that rewrites the kernel's own machinery can still lie here;
docs/instructors.md states that limit.
"""


# Builtins that ipykernel and IPython themselves replace while cells run.
KERNEL_SWAPS = {"input", "raw_input", "exit", "quit", "get_ipython", "display", "help",
                "copyright", "credits", "license"}


def install(spec):
    """Load the private checks and note what the notebook must not change; return a grader."""
    import builtins
    import json
    import os
    import sys
    import types

    import numpy

    import nnedu.checks

    token, sources = spec["token"], spec["sources"]
    private = {}

    def load(key, package):
        module = types.ModuleType(f"_nnedu_grader_{token}.{key}")
        if key == "__init__":
            module.__path__ = []
        saved = {name: sys.modules.get(name) for name in ("nnedu.checks", "nnedu.checks._core")}
        if "_core" in private:
            sys.modules["nnedu.checks._core"] = private["_core"]
        if package is not None:
            sys.modules["nnedu.checks"] = package
        try:
            code = compile(sources[key], f"<nnedu grader: {key}>", "exec")
            exec(code, module.__dict__)  # noqa: S102 -- the grader's own check source
        finally:
            for name, value in saved.items():
                sys.modules[name] = value
        private[key] = module
        return module

    load("_core", None)
    private["_core"].grading_mode(True)
    package = load("__init__", None)
    for key in sorted(k for k in sources if k.startswith("ch")):
        setattr(package, key, load(key, package))

    checks_dir = os.path.dirname(os.path.realpath(nnedu.checks.__file__))
    public_files = {os.path.join(checks_dir, name) for name in os.listdir(checks_dir)}
    public_files |= {getattr(m, "__file__", None) for n, m in list(sys.modules.items())
                     if n.startswith("nnedu.checks")} - {None}

    def watched():
        """{(where, name): object} for every function and class that checks rely on."""
        found = {}
        modules = [(n, m) for n, m in list(sys.modules.items())
                   if n == "builtins" or n.split(".")[0] in ("nnedu", "numpy")]
        modules += [(f"the grader's copy of nnedu.checks.{k}", m) for k, m in private.items()]
        for name, module in modules:
            for attr, value in list(getattr(module, "__dict__", {}).items()):
                if isinstance(value, types.ModuleType) or not callable(value) or \
                        (name == "builtins" and attr in KERNEL_SWAPS):
                    continue
                found[(name, attr)] = value
                if isinstance(value, type) and name.startswith(("nnedu", "the grader")):
                    for key, member in list(vars(value).items()):
                        if callable(member) or isinstance(member, (classmethod, staticmethod,
                                                                   property)):
                            found[(name, f"{attr}.{key}")] = member
        return found

    noted = watched()
    shell = sys.modules["IPython"].get_ipython()
    user_ns, stdout = shell.user_ns, sys.stdout

    def changed():
        now = watched()
        names = [f"{where}.{attr}" for (where, attr), value in noted.items()
                 if (where, attr) in now and now[(where, attr)] is not value]
        return sorted(names, key=lambda n: (not n.startswith(("nnedu.checks", "the grader")), n))

    def private_import(name, globals=None, locals=None, fromlist=(), level=0):
        if level == 0 and fromlist and name in ("nnedu.checks", "nnedu.checks._core"):
            return package if name == "nnedu.checks" else private["_core"]
        return builtins.__import__(name, globals, locals, fromlist, level)

    def grade(exercise):
        """Run one exercise's check; print its result as one JSON line after the token."""
        result = {"exercise": exercise["name"], "record": None, "reference": [],
                  "tampered": [], "error": None}
        chapter_module = getattr(package, "ch" + exercise["chapter"])
        check = getattr(chapter_module, exercise["name"], None)
        namespace = dict(user_ns)
        namespace.update({name: chapter_module for name in exercise["aliases"]})
        namespace.update({"np": numpy, "numpy": numpy,
                          "__builtins__": dict(vars(builtins), __import__=private_import)})
        called = []

        def profile(frame, event, arg):
            if event == "call" and frame.f_code.co_filename in public_files:
                called.append(frame.f_code.co_name)

        private["_core"]._LAST.clear()
        try:
            student = eval(exercise["arg"], namespace)
        except Exception as err:  # noqa: BLE001 -- the function is missing or broken
            result["error"] = (f"`{exercise['arg']}` is not defined in the notebook "
                               f"({type(err).__name__}: {err})")
        else:
            sys.setprofile(profile)
            try:
                if exercise["hidden"] and check is not None:
                    code = compile(exercise["hidden"], "<hidden tests>", "exec")
                    exec(code, namespace)  # noqa: S102 -- the key's hidden tests
                elif check is not None:
                    check(student)
            except Exception:  # noqa: BLE001, S110 -- the hidden tests' own assert
                pass
            finally:
                hook = sys.getprofile()
                sys.setprofile(None)
            if hook is not profile:
                result["tampered"].append("the grader's profiler (sys.setprofile)")
            result["record"] = private["_core"]._LAST.get(exercise["name"])
            if result["record"] is None:
                result["error"] = "the check did not run (the grader has no check of this name)"
        result["reference"] = sorted(set(called))
        result["tampered"] += changed()
        print(token + json.dumps(result, default=str), file=stdout, flush=True)

    return grade
