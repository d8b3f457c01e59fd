"""In-process papermill engine: execute report notebooks without starting a Jupyter kernel.

papermill's default engine starts a kernel for every notebook and re-imports pandas, matplotlib
and the analysis package each time; for a few dozen small report notebooks that start-up is most
of the cost, and running kernels in parallel is where papermill hangs ("Kernel didn't respond in
60 seconds"). This engine, registered with papermill under the name ``"inprocess"``, runs each
code cell in one IPython ``InteractiveShell`` that lives in the current process, with a fresh user
namespace per notebook. papermill still injects the parameters and writes its metadata, so the
output notebook is the same record a kernel run gives: stdout/stderr streams, rich display
outputs (``text/markdown``, ``text/html``, ``image/png``, custom types), ``execute_result`` and
``error`` outputs, execution counts.

The notebooks stay ordinary notebooks: JupyterLab, nbval and Airflow's ``PapermillOperator`` run
them on a normal ``python3`` kernel. Use this engine from a plain Python process (the report
command and its worker processes), not from inside a running IPython or Jupyter kernel.

Usage::

    from analysis.build import engine
    nb = engine.execute_notebook("notebooks/03_regency_report.ipynb", {"regency_code": "12.14"})
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from nbformat import NotebookNode
from nbformat.notebooknode import from_dict
from papermill.engines import Engine, papermill_engines
from papermill.exceptions import PapermillExecutionError
from papermill.execute import (
    prepare_notebook_metadata,
    raise_for_execution_errors,
    remove_error_markers,
)
from papermill.iorw import load_notebook_node
from papermill.parameterize import parameterize_notebook
from traitlets import Type
from traitlets.config import Config

from analysis.core import config

# papermill finds the engine by this name; registered when this module is imported (see the end).
ENGINE_NAME = "inprocess"
KERNEL_NAME = "python3"  # recorded in the notebook's metadata; no kernel is started


def _output(output_type: str, **fields: Any) -> NotebookNode:
    """An nbformat v4 output, built as ``nbformat.v4.new_output`` builds it, minus its schema check.

    ``new_output`` validates every output against the notebook schema (about 20 ms for a report's
    30 outputs); papermill validates the whole notebook when it is written, and the outputs come
    from this module's own fixed shapes.
    """
    return from_dict({"output_type": output_type, **fields})


class _Collector:
    """Outputs of one cell, in the order the cell produced them (nbformat v4 output dicts)."""

    def __init__(self) -> None:
        self.outputs: list[NotebookNode] = []
        self._clear_pending = False

    def _add(self, output: NotebookNode) -> None:
        if self._clear_pending:
            self.outputs.clear()
            self._clear_pending = False
        self.outputs.append(output)

    def stream(self, name: str, text: str) -> None:
        if not text:
            return
        last = self.outputs[-1] if self.outputs else None
        if last is not None and last.output_type == "stream" and last.name == name:
            last.text += text  # consecutive writes make one output, as a kernel does
        else:
            self._add(_output("stream", name=name, text=text))

    def display(self, data: Mapping[str, Any], metadata: Mapping[str, Any] | None) -> None:
        self._add(_output("display_data", data=dict(data), metadata=dict(metadata or {})))

    def execute_result(
        self, data: Mapping[str, Any], metadata: Mapping[str, Any] | None, count: int
    ) -> None:
        self._add(_output("execute_result", data=dict(data), metadata=dict(metadata or {}),
                          execution_count=count))

    def error(self, ename: str, evalue: str, traceback: list[str]) -> None:
        self._add(_output("error", ename=ename, evalue=evalue, traceback=list(traceback)))

    def clear(self, wait: bool = False) -> None:
        if wait:
            self._clear_pending = True
        else:
            self.outputs.clear()


class _StreamCapture(io.TextIOBase):
    """A text stream that turns writes into ``stream`` outputs of the current cell."""

    def __init__(self, collector: _Collector, name: str) -> None:
        super().__init__()
        self._collector = collector
        self._name = name

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._collector.stream(self._name, text)
        return len(text)


class _DisplayPublisher(DisplayPublisher):
    """Sends ``display(...)`` calls to the current cell's collector instead of a frontend."""

    collector: _Collector | None = None

    def publish(self, data, metadata=None, source=None, *, transient=None, update=False,
                **kwargs) -> None:
        if self.collector is not None:
            self.collector.display(data, metadata)

    def clear_output(self, wait: bool = False) -> None:
        if self.collector is not None:
            self.collector.clear(wait)


class _DisplayHook(DisplayHook):
    """Records the value of a cell's last expression as an ``execute_result`` output."""

    collector: _Collector | None = None

    def write_output_prompt(self) -> None:
        pass  # a notebook output has no "Out[n]:" text

    def write_format_data(self, format_dict, md_dict=None) -> None:
        if self.collector is not None:
            self.collector.execute_result(format_dict, md_dict, self.shell.execution_count)

    def finish_displayhook(self) -> None:
        self._is_active = False


class _Shell(InteractiveShell):
    """An InteractiveShell whose displays, results and tracebacks become notebook outputs."""

    displayhook_class = Type(_DisplayHook)
    display_pub_class = Type(_DisplayPublisher)
    collector: _Collector | None = None
    # False from a notebook's first cell until the reset after its last: the next notebook
    # resets first only then (a reset collects garbage, ~10 ms; one per notebook is enough).
    clean: bool = True

    def _showtraceback(self, etype, evalue, stb: list[str]) -> None:
        if self.collector is not None:
            self.collector.error(etype.__name__, str(evalue), stb)

    def enable_gui(self, gui=None) -> None:
        pass  # only the inline backend is used: no GUI event loop to start

    def attach(self, collector: _Collector | None) -> None:
        self.collector = collector
        self.displayhook.collector = collector
        self.display_pub.collector = collector


_MPL_DEFAULTS: dict[str, Any] | None = None


def get_shell() -> _Shell:
    """Return this process's shell, creating it on first use.

    Returns
    -------
    _Shell
        The shell shared by every notebook executed in this process.

    Raises
    ------
    RuntimeError
        When another IPython shell already runs in this process (JupyterLab, IPython): its
        display machinery would receive the report's outputs.
    """
    global _MPL_DEFAULTS
    if InteractiveShell.initialized():
        shell = InteractiveShell.instance()
        if not isinstance(shell, _Shell):
            raise RuntimeError(
                "the in-process engine cannot run inside IPython or Jupyter; run the report "
                "command from a terminal, or use papermill's default engine"
            )
        return shell
    shell_config = Config()
    shell_config.HistoryManager.enabled = False  # no history.sqlite written from scheduled runs
    shell_config.InteractiveShell.colors = "nocolor"  # tracebacks go to the manifest and the log
    shell = _Shell.instance(config=shell_config)
    try:
        import matplotlib

        shell.enable_matplotlib("inline")
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        # Figures left open by a cell reach the output through the inline backend; report
        # figures go through analysis.render.blocks.Figure. Both use the same resolution.
        set_matplotlib_formats("png", dpi=config.FIGURE_DPI)
        _MPL_DEFAULTS = dict(matplotlib.rcParams)
    except ImportError:  # matplotlib is a dependency; tolerate its absence in minimal setups
        _MPL_DEFAULTS = None
    return shell


def _reset(shell: _Shell) -> None:
    """Give the next notebook a fresh namespace, no open figures and the initial chart style."""
    shell.reset(new_session=False)
    shell.execution_count = 1
    shell.clean = True
    if _MPL_DEFAULTS is not None:
        import matplotlib
        import matplotlib.pyplot as plt

        plt.close("all")
        with _quiet_rc():
            matplotlib.rcParams.update(_MPL_DEFAULTS)


@contextmanager
def _quiet_rc() -> Iterator[None]:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # deprecated rc keys warn when set back to defaults
        yield


@contextmanager
def _capture(shell: _Shell, collector: _Collector) -> Iterator[None]:
    """Send stdout, stderr and displays to ``collector`` while a cell runs."""
    old_out, old_err = sys.stdout, sys.stderr
    sys.stdout = _StreamCapture(collector, "stdout")
    sys.stderr = _StreamCapture(collector, "stderr")
    shell.attach(collector)
    try:
        yield
    finally:
        shell.attach(None)
        sys.stdout, sys.stderr = old_out, old_err


class InProcessEngine(Engine):
    """papermill engine executing code cells in this process's IPython shell."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs) -> None:
        """Execute every code cell of ``nb_man.nb`` in order; stop at the first error.

        Parameters
        ----------
        nb_man : papermill.engines.NotebookExecutionManager
            papermill's wrapper of the parameterised notebook.
        kernel_name : str
            Ignored: no kernel is started.
        **kwargs
            papermill's engine options (timeouts and the like), ignored.

        Raises
        ------
        papermill.exceptions.PapermillExecutionError
            When a cell raises; the cell keeps its ``error`` output.
        """
        shell = get_shell()
        if not shell.clean:  # the last notebook stopped before its own reset (a time limit)
            _reset(shell)
        shell.clean = False
        for index, cell in enumerate(nb_man.nb.cells):
            if cell.cell_type != "code":
                continue
            nb_man.cell_start(cell, index)
            collector = _Collector()
            count = shell.execution_count
            with _capture(shell, collector):
                result = shell.run_cell(cell.source, store_history=True)
            cell.execution_count = count
            cell.outputs = collector.outputs
            if not result.success:
                nb_man.cell_exception(cell, index)
                nb_man.cell_complete(cell, index)
                error = next((o for o in cell.outputs if o.output_type == "error"), None)
                exc = PapermillExecutionError(
                    cell_index=index,
                    exec_count=count,
                    source=cell.source,
                    ename=error.ename if error else "Error",
                    evalue=error.evalue if error else "",
                    traceback=error.traceback if error else [],
                )
                exc.nb = nb_man.nb  # the partly executed notebook, kept for diagnosis
                _reset(shell)
                raise exc
            nb_man.cell_complete(cell, index)
        _reset(shell)  # release the notebook's objects before the next one


papermill_engines.register(ENGINE_NAME, InProcessEngine)


def execute_notebook(
    path: str | Path, parameters: Mapping[str, Any] | None = None
) -> NotebookNode:
    """Execute a notebook with papermill and this engine, and return the executed notebook.

    Parameters
    ----------
    path : str or Path
        The notebook to run (its first code cell tagged ``parameters``).
    parameters : mapping, optional
        Values papermill injects after the ``parameters`` cell.

    Returns
    -------
    nbformat.NotebookNode
        The executed notebook with outputs and papermill metadata. Nothing is written to disk.

    Raises
    ------
    papermill.exceptions.PapermillExecutionError
        When a cell raises.

    Notes
    -----
    These are the steps of ``papermill.execute_notebook`` for a notebook that is not saved
    (parameterise, prepare the metadata, execute with the engine, check for errors) without its
    last one: with no output path it still serialises and validates the whole notebook, to write
    it nowhere (about 25 ms a report). The build serialises the notebook once, for its .ipynb.
    """
    nb = load_notebook_node(str(path))
    if parameters:
        nb = parameterize_notebook(nb, dict(parameters), kernel_name=KERNEL_NAME,
                                   language="python", engine_name=ENGINE_NAME)
    nb = remove_error_markers(prepare_notebook_metadata(nb, str(path), None))
    nb = papermill_engines.execute_notebook_with_engine(
        ENGINE_NAME, nb, input_path=str(path), output_path=None, kernel_name=KERNEL_NAME,
        progress_bar=False, log_output=False,
    )
    raise_for_execution_errors(nb, None)
    return nb
