"""Offline speech: audio sources, Vosk recogniser, model management. Plain Python, no Qt."""
