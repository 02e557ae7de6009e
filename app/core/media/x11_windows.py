"""Top-level windows of an X11 display (title and where they are), through libX11 by ctypes.

No python-xlib in the dependencies, so a few Xlib calls are made directly. With a window manager
its _NET_CLIENT_LIST names the application windows; without one (a bare X server) the mapped
children of the root window are used. Geometry is in root coordinates, for mss to grab.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

_log = logging.getLogger(__name__)

IS_VIEWABLE = 2
ANY_PROPERTY_TYPE = 0
MAX_WINDOWS = 4096
c_window = ctypes.c_ulong


class _WindowAttributes(ctypes.Structure):
    """XWindowAttributes, as Xlib.h lays it out."""

    _fields_ = [
        ("x", ctypes.c_int),
        ("y", ctypes.c_int),
        ("width", ctypes.c_int),
        ("height", ctypes.c_int),
        ("border_width", ctypes.c_int),
        ("depth", ctypes.c_int),
        ("visual", ctypes.c_void_p),
        ("root", c_window),
        ("class_", ctypes.c_int),
        ("bit_gravity", ctypes.c_int),
        ("win_gravity", ctypes.c_int),
        ("backing_store", ctypes.c_int),
        ("backing_planes", ctypes.c_ulong),
        ("backing_pixel", ctypes.c_ulong),
        ("save_under", ctypes.c_int),
        ("colormap", ctypes.c_ulong),
        ("map_installed", ctypes.c_int),
        ("map_state", ctypes.c_int),
        ("all_event_masks", ctypes.c_long),
        ("your_event_mask", ctypes.c_long),
        ("do_not_propagate_mask", ctypes.c_long),
        ("override_redirect", ctypes.c_int),
        ("screen", ctypes.c_void_p),
    ]


@dataclass(frozen=True)
class TopWindow:
    """An application window: its X id, title, and its area in root-window coordinates."""

    xid: int
    title: str
    left: int
    top: int
    width: int
    height: int


def _load() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("X11")
    if name is None:
        return None
    lib = ctypes.CDLL(name)
    lib.XOpenDisplay.restype = ctypes.c_void_p
    lib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    lib.XCloseDisplay.argtypes = [ctypes.c_void_p]
    lib.XDefaultRootWindow.restype = c_window
    lib.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    lib.XInternAtom.restype = ctypes.c_ulong
    lib.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    lib.XFree.argtypes = [ctypes.c_void_p]
    lib.XSetErrorHandler.restype = ctypes.c_void_p
    lib.XSetErrorHandler.argtypes = [ctypes.c_void_p]
    lib.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
    lib.XGetWindowProperty.argtypes = [
        ctypes.c_void_p,
        c_window,
        ctypes.c_ulong,
        ctypes.c_long,
        ctypes.c_long,
        ctypes.c_int,
        ctypes.c_ulong,
        ctypes.POINTER(ctypes.c_ulong),
        ctypes.POINTER(ctypes.c_int),
        ctypes.POINTER(ctypes.c_ulong),
        ctypes.POINTER(ctypes.c_ulong),
        ctypes.POINTER(ctypes.c_void_p),
    ]
    lib.XQueryTree.argtypes = [
        ctypes.c_void_p,
        c_window,
        ctypes.POINTER(c_window),
        ctypes.POINTER(c_window),
        ctypes.POINTER(ctypes.POINTER(c_window)),
        ctypes.POINTER(ctypes.c_uint),
    ]
    lib.XGetWindowAttributes.argtypes = [
        ctypes.c_void_p,
        c_window,
        ctypes.POINTER(_WindowAttributes),
    ]
    lib.XTranslateCoordinates.argtypes = [
        ctypes.c_void_p,
        c_window,
        c_window,
        ctypes.c_int,
        ctypes.c_int,
        ctypes.POINTER(ctypes.c_int),
        ctypes.POINTER(ctypes.c_int),
        ctypes.POINTER(c_window),
    ]
    return lib


class _Display:
    """One open connection and the few questions asked of it."""

    def __init__(self, lib: ctypes.CDLL, handle: int) -> None:
        self.lib = lib
        self.handle = handle
        self.root = int(lib.XDefaultRootWindow(handle))

    def atom(self, name: str) -> int:
        return int(self.lib.XInternAtom(self.handle, name.encode(), 0))

    def property(self, window: int, name: str, kind: int) -> list[int] | bytes | None:
        """A window property's items (or bytes for 8-bit data), None when it is not set."""
        actual, fmt = ctypes.c_ulong(), ctypes.c_int()
        count, after, data = ctypes.c_ulong(), ctypes.c_ulong(), ctypes.c_void_p()
        status = self.lib.XGetWindowProperty(
            self.handle, window, self.atom(name), 0, MAX_WINDOWS, 0, kind,
            ctypes.byref(actual), ctypes.byref(fmt), ctypes.byref(count),
            ctypes.byref(after), ctypes.byref(data),
        )  # fmt: skip
        if status != 0 or not data.value:
            return None
        try:
            if actual.value == 0:
                return None
            if fmt.value == 8:
                return ctypes.string_at(data.value, count.value)
            # 32-bit items come back as C longs.
            return [int(v) for v in (ctypes.c_ulong * count.value).from_address(data.value)]
        finally:
            self.lib.XFree(data)

    def title(self, window: int) -> str:
        utf8 = self.atom("UTF8_STRING")
        for name, kind in (("_NET_WM_NAME", utf8), ("WM_NAME", ANY_PROPERTY_TYPE)):
            raw = self.property(window, name, kind)
            if isinstance(raw, bytes) and raw:
                return raw.decode("utf-8", "replace").strip()
        return ""

    def clients(self) -> list[int]:
        """Application windows: the window manager's list, else the root's mapped children."""
        listed = self.property(self.root, "_NET_CLIENT_LIST", ANY_PROPERTY_TYPE)
        if isinstance(listed, list) and listed:
            return [int(w) for w in listed]
        root, parent = c_window(), c_window()
        children, count = ctypes.POINTER(c_window)(), ctypes.c_uint()
        if not self.lib.XQueryTree(
            self.handle, self.root, ctypes.byref(root), ctypes.byref(parent),
            ctypes.byref(children), ctypes.byref(count),
        ):  # fmt: skip
            return []
        try:
            return [int(children[i]) for i in range(count.value)]
        finally:
            if children:
                self.lib.XFree(children)

    def window(self, xid: int) -> TopWindow | None:
        attributes = _WindowAttributes()
        if not self.lib.XGetWindowAttributes(self.handle, xid, ctypes.byref(attributes)):
            return None
        if attributes.map_state != IS_VIEWABLE or attributes.override_redirect:
            return None
        x, y, child = ctypes.c_int(), ctypes.c_int(), c_window()
        if not self.lib.XTranslateCoordinates(
            self.handle, xid, self.root, 0, 0, ctypes.byref(x), ctypes.byref(y),
            ctypes.byref(child),
        ):  # fmt: skip
            return None
        title = self.title(xid)
        if not title:
            return None
        return TopWindow(xid, title, x.value, y.value, attributes.width, attributes.height)


@contextmanager
def _open(display: str | None) -> Iterator[_Display | None]:
    lib = _load()
    if lib is None:
        yield None
        return
    handle = lib.XOpenDisplay(display.encode() if display else None)
    if not handle:
        yield None
        return
    # int handler(Display*, XErrorEvent*): errors such as BadWindow (a window that closed while
    # we looked at it) are ignored instead of Xlib's default, which ends the process.
    handler_type = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
    handler = handler_type(lambda _display, _event: 0)
    previous = lib.XSetErrorHandler(ctypes.cast(handler, ctypes.c_void_p))
    try:
        yield _Display(lib, handle)
    finally:
        lib.XSync(handle, 0)  # any late error arrives while our handler is still in place
        lib.XSetErrorHandler(previous)
        lib.XCloseDisplay(handle)


def list_windows(display: str | None = None) -> list[TopWindow]:
    """Viewable, titled top-level windows, in the window manager's order; [] without X11."""
    try:
        with _open(display) as x:
            if x is None:
                return []
            found = [x.window(xid) for xid in x.clients()]
    except (OSError, AttributeError) as exc:  # no usable libX11
        _log.info("cannot list windows: %s", exc)
        return []
    return [w for w in found if w is not None]
