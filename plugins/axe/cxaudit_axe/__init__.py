"""The axe plugin: runs axe-core on every page of a scan."""
