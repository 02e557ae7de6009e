"""QObjects exposing app.core to the widgets through signals and async slots."""
