"""The sentences shown to the user when some media can't be used, in one place so they match."""

NO_PORTAUDIO = "No audio library (PortAudio) found: you can't speak or hear in meetings."
NO_CAMERA = "No camera found: others will see your name instead of video."
NO_MICROPHONE = "No microphone found: others won't hear you."
NO_SPEAKER = "No speaker or headphones found: you won't hear others."
NO_SCREEN = "Screen sharing is unavailable: no screen could be found to capture."
NO_X11_DISPLAY = "Screen sharing is unavailable: there is no graphical display."
WAYLAND_ONLY = "Screen sharing needs an X11 session (or XWayland); this is a Wayland session."
CHOSEN_CAMERA_MISSING = "The chosen camera isn't connected: using {name} instead."
CHOSEN_MICROPHONE_MISSING = "The chosen microphone isn't connected: using {name} instead."
MICROPHONE_UNUSABLE = (
    "Your microphone can't be used (it won't record 48 kHz audio): others won't hear you."
)
