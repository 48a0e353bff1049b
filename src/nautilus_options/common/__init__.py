"""Helpers shared by the components: session timers, config field types, progress.

Import from the modules (``common.session``, ``common.config``, ``common.progress``): this
package imports none of them, so a light one (progress) does not load Nautilus.
"""
