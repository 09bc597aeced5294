"""Components a user adds beside GAF's, registered through custom_imports: the extension tests
build them from config alone."""
