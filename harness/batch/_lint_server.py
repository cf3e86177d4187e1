"""The lint process of :mod:`harness.batch.lint_worker` (run as a script).

It imports pylint once and nothing of the harness (importing the harness
package would cost the grader's start-up again), then lints one request per
line: ``{"args": [...], "cwd": "..."}`` with the arguments and folder the
client prepared.  The reply is one line, ``{"messages": [...]}`` (pylint's
JSON output) or ``{"error": "..."}``.

Between requests nothing of one submission may reach the next.  astroid's
full ``clear_cache`` guarantees that but rebuilds the builtins by
introspection each time, 0.45 s of the 0.65 s a notebook cost.  So after
each request :func:`forget` drops what that submission brought in (its own
modules, every lookup and inference cache) and keeps the parsed trees of the
stdlib and installed packages, which are the same for every submission.
The one way a submission's code changes such a kept tree is an attribute
assignment on a library object (``math.pi = 3`` or ``args.x = 1`` on an
``argparse.Namespace``): astroid records the assignment on the library's
node.  :class:`LibraryWrites` watches for exactly that, and when it happens
(or cannot be ruled out) the full clear runs as before.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import sys
from typing import Any


class LibraryWrites:
    """Notices when linting a submission records an assignment on a library node.

    astroid's builder calls ``delayed_assattr`` for every ``obj.attr = ...``;
    wrapped here, it flags any whose target infers to something outside the
    module being built.  Without the hook (an astroid that renamed it) every
    request counts as dirty, which is the safe side.
    """

    def __init__(self) -> None:
        self.dirty = False
        self.hooked = False
        try:
            from astroid.builder import AstroidBuilder
            from astroid.util import UninferableBase
        except ImportError:
            return
        original = getattr(AstroidBuilder, "delayed_assattr", None)
        if original is None:
            return
        watcher = self

        def delayed_assattr(builder: Any, node: Any) -> None:
            original(builder, node)
            try:
                for inferred in node.expr.infer():
                    if not isinstance(inferred, UninferableBase) and \
                            inferred.root() is not node.root():
                        watcher.dirty = True
            except Exception:  # pylint: disable=broad-exception-caught  # unsure: dirty
                watcher.dirty = True

        AstroidBuilder.delayed_assattr = delayed_assattr
        self.hooked = True

    def take(self) -> bool:
        """Whether the last request may have written into a library node; resets."""
        dirty, self.dirty = self.dirty or not self.hooked, False
        return dirty


def forget(folder: str, writes: LibraryWrites) -> None:
    """Drop what linting the submission in ``folder`` left behind in astroid."""
    import astroid

    if not writes.take():
        try:
            _forget_submission(astroid.MANAGER, folder)
            return
        except (ImportError, AttributeError):
            pass  # an astroid whose internals moved: the full clear below
    astroid.MANAGER.clear_cache()


def _forget_submission(manager: Any, folder: str) -> None:
    """``clear_cache`` without rebuilding what only depends on the interpreter.

    The submission's own modules go, and so does every cache of lookups,
    inference and module search; the library trees stay.
    """
    # pylint: disable=import-outside-toplevel,protected-access  # astroid's own cache handles
    from astroid import manager as manager_module
    from astroid.context import _invalidate_cache
    from astroid.inference_tip import clear_inference_tip_cache
    from astroid.interpreter._import import spec
    from astroid.interpreter.objectmodel import ObjectModel
    from astroid.nodes._base_nodes import LookupMixIn
    from astroid.nodes.scoped_nodes import ClassDef

    # The caches clear_cache empties, named as astroid 4 names them.
    caches = [LookupMixIn.lookup, manager_module._cache_normalize_path_,
              manager_module._has_init, manager_module.cached_os_path_isfile,
              manager_module.util.is_namespace, ObjectModel.attributes,
              ClassDef._metaclass_lookup_attribute, spec._find_spec,
              spec._is_setuptools_namespace,
              *(finder.find_module for finder in spec._SPEC_FINDERS)]
    # Prefix tests on strings: resolving every cached module's path cost more
    # than the full clear this avoids.
    prefixes = (os.path.join(folder, ""), os.path.join(os.path.realpath(folder), ""))
    for name, module in list(manager.astroid_cache.items()):
        file = getattr(module, "file", None)
        if isinstance(file, str) and file.startswith(prefixes):
            del manager.astroid_cache[name]
    manager._mod_file_cache.clear()
    clear_inference_tip_cache()
    _invalidate_cache()
    for cached in caches:
        cached.cache_clear()


def serve() -> None:
    """Answer lint requests from stdin until it closes."""
    from pylint.lint import Run

    # Ctrl-C reaches the whole process group; the grader decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    writes = LibraryWrites()

    home = os.getcwd()
    for request in sys.stdin:
        try:
            data = json.loads(request)
            output = io.StringIO()
            os.chdir(data["cwd"])  # as a fresh `python -m pylint` in that folder would run
            try:
                # The configuration's --output-format=json reporter writes to
                # sys.stdout, which is our reply channel: capture it.
                with contextlib.redirect_stdout(output):
                    Run([str(a) for a in data["args"]], exit=False)
            finally:
                os.chdir(home)
                forget(data["cwd"], writes)
            reply = {"messages": json.loads(output.getvalue() or "[]")}
        except Exception as exc:  # pylint: disable=broad-exception-caught  # the client raises it
            reply = {"error": f"{type(exc).__name__}: {exc}"[:2000]}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    serve()
