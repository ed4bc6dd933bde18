"""The Explorer: what every widget explorer in ``nnedu.viz`` is built on.

An explorer is a set of controls (sliders, drop-downs), one matplotlib figure
and a one-line text readout. When a control's value changes, the explorer
updates the figure's artists and the readout at once (synchronously, in the
same call that set the value), so tests can drive it without a browser::

    ex = lr_explorer()
    ex.controls["learning_rate"].value = 1.0
    ex.readout           # "SGD, lr=1: diverged at step 3"
    ex.figure            # the updated matplotlib Figure

How a subclass is written (see lr.py for a full one)::

    class MyExplorer(Explorer):
        def __init__(self, alpha=1.0):
            controls = {"alpha": widgets.FloatSlider(value=alpha, min=0, max=2)}
            fig, ax = style.new_figure()
            (self.line,) = ax.plot([], [])     # build the artists ONCE
            super().__init__(controls, fig)    # wires observers, first redraw

        def update(self):                      # called on every change
            a = self.controls["alpha"].value
            self.line.set_data(x, a * x)       # update artists, never re-plot
            return f"alpha={a:g}: ..."         # the readout

Fast redraws: an explorer registers the artists that change with
``self.animate(...)`` and says, with ``background_key()``, what the rest of the
picture depends on. A change then repaints a saved picture of the rest and
draws only the animated artists (~10-40 ms instead of a full draw). An
explorer whose controls must move other controls (a new surface moves the
start sliders) overrides ``_on_change`` and makes those moves inside
``with self.hold():`` so that they cause one redraw, not several.

How it shows up in a notebook: the figure is rendered to a PNG (Agg, no
``bbox_inches="tight"``, so its size never changes) and displayed inside an
``ipywidgets.Output`` of fixed height, with ``clear_output(wait=True)`` first:
nothing flickers and the page does not jump. This works with the inline
backend in JupyterLab, Notebook 7, VS Code, Colab (ipywidgets 7.7.1) and
Kaggle (ipywidgets 8). When the student has turned on ``%matplotlib widget``
(ipympl), the figure is shown as an ipympl canvas instead, redrawn in place.
Only widget APIs present in both ipywidgets 7.6 and 8 are used.
"""

import contextlib
import html
import io

import ipywidgets as widgets
import matplotlib
import numpy as np

from nnedu._validate import in_kernel as _in_kernel

IPYWIDGETS_MAJOR = int(widgets.__version__.split(".")[0])
MAX_BACKGROUNDS = 8  # cached backgrounds per explorer (about 1.5 MB each)
# JupyterLab's output area in a notebook about 850 px wide: a wider picture would be
# shrunk by the browser (tiny text, and a gap under it in the fixed-height output).
MAX_WIDTH_PX = 760
# Sliders this wide have a track of about 300 px: one step of a 100-step slider is a
# few pixels of drag, and the arrow keys move the focused slider by one step.
SLIDER_WIDTH = "460px"


def _ipympl_active():
    """True when the student has switched on ``%matplotlib widget`` (ipympl)."""
    backend = str(matplotlib.get_backend()).lower()
    return "ipympl" in backend or backend == "widget"


class Explorer:
    """Base class: controls + one figure + a readout, redrawn on every change.

    Attributes
    ----------
    controls : dict name -> ipywidgets control (the order is the display order).
    figure : matplotlib.figure.Figure, made off-screen (style.new_figure).
    widget : ipywidgets.VBox, what a notebook displays (controls, picture, readout).
    output : ipywidgets.Output of fixed height that holds the picture.
    readout_widget : ipywidgets.HTML showing the readout (aria-live, for screen readers).
    readout, readout_text : str, the one-line result of the last redraw.
    redraw_count : int, how many times the picture was redrawn.

    Subclasses implement ``update()``: change the figure's artists to match the
    controls and return the readout string. They call ``super().__init__`` at
    the END of their own ``__init__`` (it draws the first picture).
    """

    def __init__(self, controls, figure, rows=None):
        """controls: dict name -> widget; rows: optional list of lists of names,
        one HBox per row (default: all controls in one wrapping row)."""
        self.controls = dict(controls)
        self.figure = figure
        self.readout = ""
        self.redraw_count = 0
        self._hold = False
        self._pending = False
        self._dynamic = getattr(self, "_dynamic", [])  # animate() may come first
        self._backgrounds = {}  # background_key() -> saved pixels (the last few kept)
        _fit_width(figure)
        height = round(figure.get_size_inches()[1] * figure.dpi)
        self._canvas_widget = self._make_ipympl_canvas() if _ipympl_active() else None
        # fixed height: the page never jumps; the width follows the page (images shrink)
        self.output = widgets.Output(layout=widgets.Layout(height=f"{height + 10}px"))
        self.readout_widget = widgets.HTML(value="")
        self.widget = widgets.VBox(
            [self._controls_box(rows), self._canvas_widget or self.output, self.readout_widget]
        )
        for control in self.controls.values():
            if control.has_trait("value"):
                control.observe(self._on_change, names="value")
        with np.errstate(all="ignore"):
            self.update()  # fill the artists once, so the layout sees real tick labels
        self._freeze_layout()
        self.redraw()

    # -- to be written by each explorer ---------------------------------
    def update(self):
        """Update the figure's artists from the controls; return the readout."""
        raise NotImplementedError

    # -- the redraw cycle -------------------------------------------------
    def redraw(self):
        """Recompute, update the picture and the readout; show it when in a notebook."""
        if self._hold:
            self._pending = True
            return
        with np.errstate(all="ignore"):
            text = self.update()
        self.readout = str(text)
        self.readout_widget.value = (
            '<div role="status" aria-live="polite" style="font-family: monospace;">'
            f"{html.escape(self.readout)}</div>"
        )
        self.redraw_count += 1
        self._show()

    @property
    def readout_text(self):
        """The one-line readout of the last redraw (a plain string)."""
        return self.readout

    @contextlib.contextmanager
    def hold(self):
        """Change several controls with ONE redraw at the end::

            with ex.hold():
                ex.controls["x0"].value = 1.0
                ex.controls["y0"].value = -1.0
        """
        self._hold, self._pending = True, False
        try:
            yield self
        finally:
            self._hold = False
            if self._pending:
                self.redraw()

    def values(self):
        """dict name -> current value of every control that has a value."""
        return {k: c.value for k, c in self.controls.items() if c.has_trait("value")}

    def _on_change(self, change):
        self.redraw()

    # -- rendering ---------------------------------------------------------
    def animate(self, *artists):
        """Register artists that change on (almost) every update.

        When an explorer registers them and defines ``background_key()``, a
        redraw paints a cached picture of everything else and then only these
        artists (matplotlib "blitting"): ~10 ms instead of ~60-150 ms. They are
        ordinary artists: ``figure.canvas.draw()`` still draws the whole figure.
        """
        self.__dict__.setdefault("_dynamic", []).extend(artists)

    def background_key(self):
        """A value that changes whenever the NON-animated part of the picture changes
        (axis limits, contours, titles, legend). None: always draw everything."""

    def draw(self):
        """Draw the figure into its canvas's pixel buffer (fast path when it can)."""
        canvas = self.figure.canvas
        key = self.background_key() if self._dynamic else None
        if key is None:
            canvas.draw()
            return
        if key in self._backgrounds:
            canvas.restore_region(self._backgrounds[key])
        else:
            self._backgrounds[key] = self._draw_background()
            if len(self._backgrounds) > MAX_BACKGROUNDS:
                self._backgrounds.pop(next(iter(self._backgrounds)))  # forget the oldest
        for artist in self._dynamic:
            if artist.get_visible():
                self.figure.draw_artist(artist)

    def _draw_background(self):
        """A full draw with the animated artists hidden; returns the saved pixels."""
        shown = [a.get_visible() for a in self._dynamic]
        for artist in self._dynamic:
            artist.set_visible(False)
        self.figure.canvas.draw()
        for artist, visible in zip(self._dynamic, shown):
            artist.set_visible(visible)
        return self.figure.canvas.copy_from_bbox(self.figure.bbox)

    def render_rgba(self):
        """The figure's pixels: (H, W, 4) uint8 array (a copy)."""
        self.draw()
        return np.asarray(self.figure.canvas.buffer_rgba()).copy()

    def render_png(self):
        """The figure as PNG bytes, exactly what the notebook shows.

        Compression level 1: encoding takes a few ms instead of ~50 ms at
        Pillow's default, for a file about 1.5 times larger (kernel and
        browser are local).
        """
        from PIL import Image

        self.draw()
        buffer = io.BytesIO()
        Image.fromarray(np.asarray(self.figure.canvas.buffer_rgba())).save(
            buffer, format="png", compress_level=1)
        return buffer.getvalue()

    def _show(self):
        if self._canvas_widget is not None:
            self.figure.canvas.draw_idle()
            return
        if not _in_kernel():
            return  # headless (tests, scripts): the figure is up to date, nothing to show
        from IPython.display import Image, clear_output, display

        png = self.render_png()
        with self.output:
            clear_output(wait=True)
            display(Image(data=png, format="png"))

    def _make_ipympl_canvas(self):
        """An ipympl canvas widget showing self.figure, or None when that fails.

        Made by hand (Canvas + FigureManager) rather than through pyplot or
        ``new_figure_manager_given_figure``, which would also queue the figure
        to be shown at the end of the cell: a second copy below the explorer.
        """
        try:
            from ipympl.backend_nbagg import Canvas, FigureManager

            canvas = Canvas(self.figure)
            FigureManager(canvas, 0)
            canvas.header_visible = False
            canvas.toolbar_visible = False
            return canvas
        except Exception:  # noqa: BLE001 - any ipympl trouble: fall back to the PNG path
            return None

    def _freeze_layout(self):
        """Let constrained layout place the axes once, then keep them still."""
        engine = self.figure.get_layout_engine()
        if engine is not None:
            engine.execute(self.figure)  # positions only, no pixels drawn
            self.figure.set_layout_engine(None)  # None (not "none"): savefig then draws once

    def _controls_box(self, rows):
        if rows is None:
            return widgets.HBox(
                list(self.controls.values()), layout=widgets.Layout(flex_flow="row wrap")
            )
        wrap = widgets.Layout(flex_flow="row wrap")  # a row too wide for the page wraps
        boxes = [widgets.HBox([self.controls[name] for name in row], layout=wrap)
                 for row in rows]
        return widgets.VBox(boxes)

    # -- display in a notebook -----------------------------------------------
    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)

    def _repr_mimebundle_(self, **kwargs):
        bundle = getattr(self.widget, "_repr_mimebundle_", None)
        return bundle(**kwargs) if bundle is not None else None

    def __repr__(self):
        return f"<{type(self).__name__}: {self.readout}>"


def _fit_width(figure):
    """Lower the figure's dpi so that it is at most MAX_WIDTH_PX wide (the notebook's width)."""
    width_in = figure.get_size_inches()[0]
    if width_in * figure.dpi > MAX_WIDTH_PX:
        figure.set_dpi(MAX_WIDTH_PX / width_in)


def slider_style():
    """The style dict that keeps long slider descriptions readable (7.x and 8.x)."""
    return {"description_width": "initial"}


def slider_layout():
    """A Layout SLIDER_WIDTH wide: a long track for fine control (7.x and 8.x)."""
    return widgets.Layout(width=SLIDER_WIDTH)


def float_slider(value, low, high, step, description, continuous=True, fmt=".2f"):
    """A FloatSlider with the course's look (works in ipywidgets 7 and 8)."""
    return widgets.FloatSlider(
        value=value, min=low, max=high, step=step, description=description,
        continuous_update=continuous, readout_format=fmt, style=slider_style(),
        layout=slider_layout(),
    )


def log_slider(value, low, high, description, continuous=True, fmt=".1e", per_decade=50):
    """A FloatLogSlider from ``low`` to ``high`` (powers of 10), e.g. a learning rate.

    Its steps are 1/per_decade of a decade (factors of 10**0.02 = 1.047), counted from
    10**0, so that round values such as 0.01, 0.1, 1 and 10 lie on the slider
    exactly (a default learning rate of 1 shows as 1, not 1.02).
    """
    lo, hi = np.log10(low), np.log10(high)
    return widgets.FloatLogSlider(
        value=value, base=10, min=lo, max=hi, step=1 / per_decade,
        description=description, continuous_update=continuous,
        readout_format=fmt, style=slider_style(), layout=slider_layout(),
    )


def int_slider(value, low, high, description, step=1, continuous=True):
    """An IntSlider with the course's look."""
    return widgets.IntSlider(
        value=value, min=low, max=high, step=step, description=description,
        continuous_update=continuous, style=slider_style(), layout=slider_layout(),
    )


def dropdown(options, value, description):
    """A Dropdown; options is a list of names or of (label, value) pairs."""
    return widgets.Dropdown(
        options=list(options), value=value, description=description, style=slider_style(),
    )
