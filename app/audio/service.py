"""SpeechService: audio devices, the input level meter, test recordings and the speech model, all off the GUI thread.

Core callbacks (level readings, download progress) arrive on workers and are handed to the GUI thread through
``app.inbox`` (never a signal emitted on a worker: PySide can deadlock on those); this GUI-thread QObject's signals
are emitted there. Which model is used is decided by :mod:`app.audio.model`.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from PySide6.QtCore import QObject, Signal, Slot

from app import inbox
from app.display import render_text
from app.settings import has_numbered_devices, is_device_number, with_device_names

if TYPE_CHECKING:
    from app.services import AppServices
    from speech.audio import AudioSource
    from speech.channels import Side

log = logging.getLogger(__name__)


def device_arg(device: str | None) -> int | str | None:
    """The settings' device choice as sounddevice wants it: None (default), an index, or a name."""
    if device is None or device == "":
        return None
    return int(device) if is_device_number(device) else device


class SpeechService(QObject):
    """Audio devices, the input level meter, test recordings and the speech model, all off the GUI thread."""

    levelChanged = Signal(float, float)  # bar 0..1, rms dBFS (我方（麦克风）: the microphone)
    meterStopped = Signal(object)  # None, or the exception that stopped it
    callerLevelChanged = Signal(float, float)  # the same for the caller's side (对方: a playback loopback)
    callerMeterStopped = Signal(object)
    lineLevelChanged = Signal(str, float, float)  # side code ("caller"/"us"), bar, dBFS: a line's own pair (Settings)
    lineMeterStopped = Signal(str, object)  # side code, None or the exception that stopped it

    def __init__(self, services: AppServices) -> None:
        super().__init__(services)
        self._services = services
        # running level meters by slot: "us", "caller", "line-caller", "line-us"
        self._meters: dict[str, _MeterRun] = {}
        self._meter_count = 0
        self._model: Any = None
        self._model_lock = threading.Lock()
        self._audio_lock = threading.Lock()
        self._open_streams = 0  # capture streams open now: meters, test recordings and live calls (live_capture)
        self._live_streams = 0  # of which live calls' (CallBridge)
        # A meter's readings come from its audio thread; they reach the GUI thread through a Python queue, not a
        # cross-thread signal (app.inbox says why).
        inbox.start()
        services.settings.changed.connect(self._settings_changed)

    def _settings_changed(self, new: Any, old: Any) -> None:
        if new.model_path != old.model_path:
            with self._model_lock:
                self._model = None  # load the new one on next use

    # ---------------------------------------------------------------- devices
    def _open(self, source: Any, live: bool = False) -> None:
        """Start a capture stream, counted so a device rescan never re-initialises PortAudio under it.

        Counted before it starts and uncounted after it has closed (each under the lock the rescan holds), so the
        stream itself opens and closes outside the lock: several lines' devices start side by side."""
        self._count(1, live)
        try:
            source.start()
        except BaseException:
            self._count(-1, live)
            raise

    def _close(self, source: Any, live: bool = False) -> None:
        try:
            source.close()
        finally:
            self._count(-1, live)

    def _count(self, step: int, live: bool) -> None:
        with self._audio_lock:
            self._open_streams += step
            if live:
                self._live_streams += step

    @contextmanager
    def holding_audio(self) -> Iterator[None]:
        """Counts as an open stream while the block runs (the alarm tone's output stream): a device rescan (刷新, or
        the start-up naming of devices saved by number) never re-initialises PortAudio under it."""
        self._count(1, False)
        try:
            yield
        finally:
            self._count(-1, False)

    def live_capture(self, source: AudioSource) -> LiveCapture:
        """``source`` (not started) for a live call's line: started and closed through this service, so the device
        rescan (刷新) knows a call is listening and never re-initialises PortAudio under it."""
        return LiveCapture(source, self)

    @property
    def live_streams(self) -> int:
        """How many capture streams live calls hold open now."""
        return self._live_streams

    def list_devices(self, on_result: Callable[[DeviceScan], None], on_error: Callable[[BaseException], None]) -> None:
        """Capture devices, rescanned (a USB phone recorder plugged in after start appears on 刷新); the result is a
        :class:`DeviceScan`. While a stream is open (a live call listening, a level meter, a test recording) PortAudio
        is not re-initialised under it: the list is then the one PortAudio knew, and the scan says why."""
        meters = bool(self._meters)  # a meter just started may not have opened its stream yet

        def scan() -> DeviceScan:
            from speech.audio import list_input_devices

            with self._audio_lock:  # no stream opens or closes meanwhile
                held: HeldBy | None = None
                if self._live_streams:
                    held = "calls"
                elif meters or self._open_streams:
                    held = "audio"
                else:
                    import sounddevice as sd

                    sd._terminate()  # PortAudio only enumerates devices when it is initialised
                    sd._initialize()
                return DeviceScan(tuple(list_input_devices()), held)

        def found(result: DeviceScan) -> None:  # on the GUI thread, like every settings change
            self._name_stored_indexes(result)
            on_result(result)

        self._services.jobs.run(scan, on_result=found, on_error=on_error, name="list-devices")

    def _name_stored_indexes(self, scan: DeviceScan) -> None:
        """A 我方 device saved by number (as earlier versions saved every one) is saved by name once a scan shows
        which device that number is now; from then on a device plugged in or out cannot move it."""
        store = self._services.settings
        named = with_device_names(store.value, scan.keys)
        if named != store.value:
            log.info("microphone choices saved by device number are now saved by device name")
            store.set(named)

    def name_numbered_devices(self) -> None:
        """At start-up: if a 我方 device is still saved by number, scan the devices once in the background so it is
        saved by name before a device is plugged in or out (the Settings page does the same whenever it lists them)."""
        if not has_numbered_devices(self._services.settings.value):
            return
        self.list_devices(
            on_result=lambda _scan: None,
            on_error=lambda exc: log.warning("could not list audio devices to name the saved ones: %s", exc),
        )

    def start_meter(self, device: str | None) -> None:
        """Start the live input level meter on ``device``; readings arrive as ``levelChanged``."""
        from speech.audio import LiveSource

        self._run_meter(
            "us",
            lambda on_level: LiveSource(device_arg(device), on_level=on_level),
            self.levelChanged.emit,
            self.meterStopped.emit,
            "level-meter",
        )

    def start_caller_meter(self, key: str) -> None:
        """The caller's side (a ``speech.loopback.CaptureChoice`` key): readings arrive as ``callerLevelChanged``."""
        from speech.loopback import open_capture

        self._run_meter(
            "caller",
            lambda on_level: open_capture(key, on_level=on_level),
            self.callerLevelChanged.emit,
            self.callerMeterStopped.emit,
            "caller-level-meter",
        )

    def stop_caller_meter(self) -> None:
        self._stop_meter("caller")

    def start_line_meter(self, side: Side, device: str | None) -> None:
        """A meter on one device of a line's own pair (Settings, 各线路的设备), beside the PC-wide pair's meters.

        ``Side.CALLER``: ``device`` is a ``speech.loopback.CaptureChoice`` key; ``Side.US``: a PortAudio input as
        stored in the settings (None: the default input). Readings arrive as ``lineLevelChanged(side code, …)``."""
        code = side.code
        if code == "caller":
            from speech.loopback import open_capture

            key = device or ""

            def make(on_level: Any) -> Any:
                return open_capture(key, on_level=on_level)
        else:
            from speech.audio import LiveSource

            def make(on_level: Any) -> Any:
                return LiveSource(device_arg(device), on_level=on_level)

        self._run_meter(
            f"line-{code}",
            make,
            lambda bar, dbfs: self.lineLevelChanged.emit(code, bar, dbfs),
            lambda exc: self.lineMeterStopped.emit(code, exc),
            f"line-{code}-level-meter",
        )

    def stop_line_meter(self, side: Side) -> None:
        self._stop_meter(f"line-{side.code}")

    def stop_line_meters(self) -> None:
        for slot in [s for s in self._meters if s.startswith("line-")]:
            self._stop_meter(slot)

    def line_meter_running(self, side: Side) -> bool:
        return f"line-{side.code}" in self._meters

    def list_capture_choices(self, on_result: Callable[[Any], None], on_error: Callable[[BaseException], None]) -> None:
        """What the caller's side can be recorded from (``speech.loopback.capture_choices``: loopbacks first)."""

        def scan() -> Any:
            from speech.loopback import capture_choices, input_names

            with self._audio_lock:  # never while list_devices re-initialises PortAudio (they run side by side)
                inputs = input_names()
            return capture_choices(inputs=inputs)

        self._services.jobs.run(scan, on_result=on_result, on_error=on_error, name="list-capture-choices")

    def _run_meter(
        self,
        slot: str,
        make_source: Callable[[Any], Any],
        emit_level: Callable[[float, float], None],
        emit_stopped: Callable[[object], None],
        name: str,
    ) -> None:
        """A level meter in ``slot`` on a worker until cancelled (one per slot: a running one is replaced);
        readings (at most 20 a second) go to ``emit_level``, and ``emit_stopped(None or the error)`` when it ends,
        unless a newer meter took its slot meanwhile (its end is then no news to the page).

        Once the meter is stopped or replaced none of its readings reach ``emit_level``: they are numbered with
        the run and dropped on the GUI thread unless the run is still the slot's current one (a reading already
        queued when the meter was stopped would otherwise show on the next device's bar)."""
        self._stop_meter(slot)
        self._meter_count += 1
        meter = self._meters[slot] = _MeterRun(self._meter_count, emit_level)
        last = [0.0]

        def run(progress: Any) -> None:
            def on_level(reading: Any) -> None:
                if progress.cancelled or self._meters.get(slot) is not meter:
                    return  # stopped or replaced: no more readings from this one
                now = time.monotonic()
                if now - last[0] >= 0.05:
                    last[0] = now
                    inbox.post(self._show_level, slot, meter.number, float(reading.bar), float(reading.rms_dbfs))

            source = make_source(on_level)
            self._open(source)
            try:
                while not progress.cancelled:
                    source.read(0.2)
            finally:
                self._close(source)

        def ended(exc: BaseException | None) -> None:
            current = self._meters.get(slot)
            if current is not None and current is not meter:
                return  # a newer meter took this slot: the page hears about that one
            self._meters.pop(slot, None)
            emit_stopped(exc)

        def finished(_: Any = None) -> None:
            ended(None)

        meter.job = self._services.jobs.run_long(
            run, on_result=finished, on_error=ended, on_cancelled=finished, name=name
        )

    @Slot(str, int, float, float)
    def _show_level(self, slot: str, run_number: int, bar: float, dbfs: float) -> None:
        """GUI thread: a meter's reading is shown only while its run is still the slot's current one. (Should this
        service be deleted before the inbox drains, the level signal's emit raises "… deleted" and the inbox drops
        the reading.)"""
        meter = self._meters.get(slot)
        if meter is not None and meter.number == run_number:
            meter.emit_level(bar, dbfs)

    def _stop_meter(self, slot: str) -> None:
        meter = self._meters.pop(slot, None)  # its readings still on their way are dropped (_show_level)
        if meter is not None and meter.job is not None:
            meter.job.cancel()

    def stop_meter(self) -> None:
        self._stop_meter("us")

    @property
    def meter_running(self) -> bool:
        return "us" in self._meters

    def test_recording(
        self,
        device: str | None,
        seconds: float,
        on_result: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        on_progress: Callable[[int, int, str], None] | None = None,
    ) -> Any:
        """Record ``seconds`` from ``device`` into ``<data dir>/test-recording.wav``; result: TestRecording."""
        target = self._services.data_dir / "test-recording.wav"
        chosen = device_arg(device)

        def run(progress: Any) -> TestRecording:
            recording = record_test(chosen, seconds, target, progress, self._open, self._close)
            try:
                model = self.loaded_model()  # transcribe it too when a speech model is available
            except Exception:
                log.info("test recording: speech model not usable", exc_info=True)
                return recording
            if model is None:
                return recording
            from speech.audio import decode_file
            from speech.recognizer import transcribe_pcm

            text = transcribe_pcm(model, decode_file(target).pcm)
            return dataclasses.replace(recording, transcript=text)

        self.stop_meter()
        return self._services.jobs.run_long(
            run, on_result=on_result, on_error=on_error, on_progress=on_progress, name="test-recording"
        )

    # ------------------------------------------------------------------ model
    def loaded_model(self) -> Any:
        """The Vosk model, loaded once (call from a worker: loading takes seconds); None if there is none."""
        from app.audio.model import resolve_app_model
        from speech.errors import ModelError
        from speech.recognizer import load_model

        with self._model_lock:
            if self._model is None:
                try:
                    resolved = resolve_app_model(self._services.data_dir, self._services.settings.value.model_path)
                except ModelError as exc:
                    if exc.code.name == "NO_MODEL":
                        return None
                    raise
                self._model = load_model(resolved.path)
                self._note_language(self._model)
            return self._model

    def _note_language(self, model: Any) -> None:
        """Remember whether a model just loaded or imported (``LoadedModel``, ``ModelInfo``) is a Chinese one, for
        :meth:`model_status` (a trial imported the Korean model and Settings said 「已就绪」)."""
        from app.audio.model import note_language

        note_language(model)

    def model_status(self, on_result: Callable[[ModelStatus], None]) -> None:
        """Which speech model would be used, checked in a worker (folder validation reads the disk)."""
        data_dir = self._services.data_dir
        settings_path = self._services.settings.value.model_path

        def check() -> ModelStatus:
            from app.audio.model import language_warning, resolve_app_model
            from speech.errors import SpeechError

            try:
                resolved = resolve_app_model(data_dir, settings_path)
            except SpeechError as exc:
                return ModelStatus(None, None, exc.message)
            from speech.models import ModelSource, installed_by_app

            warning = language_warning(resolved)
            # (the CALLSHIELD_VOSK_MODEL folder is the user's own, wherever it is)
            removable = resolved.source is not ModelSource.ENV and installed_by_app(resolved.path, data_dir)
            return ModelStatus(str(resolved.path), resolved.source, None, warning, removable)

        self._services.jobs.run(check, on_result=on_result, on_error=lambda e: on_result(ModelStatus(None, None, e)))

    def download_model(
        self,
        on_progress: Callable[[int, int, str], None],
        on_result: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        on_cancelled: Callable[[], None],
        spec_key: str = "small",
    ) -> Any:
        """Download, verify and unpack the Mandarin model in a worker; cancel-able, with byte progress."""
        from speech.models import CATALOGUE

        spec = CATALOGUE[spec_key]
        data_dir = self._services.data_dir
        mirror = self._services.settings.value.model_mirror  # None: the official address

        def run(progress: Any) -> Any:
            from speech.models import check_mirror_url, download_model

            def report(done: int, total: int | None) -> None:
                progress.update(done, int(total or 0), "")

            url = check_mirror_url(mirror) if mirror else None
            return download_model(spec, data_dir, progress=report, cancel=progress.cancel_event, url=url).info

        return self._services.jobs.run_long(
            run,
            on_result=on_result,
            on_error=on_error,
            on_progress=on_progress,
            on_cancelled=on_cancelled,
            name="model-download",
        )

    def import_model(
        self,
        path: str,
        on_progress: Callable[[int, int, str], None],
        on_result: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        on_cancelled: Callable[[], None],
    ) -> Any:
        """Copy a model from a zip or folder into the data dir (all or nothing) in a worker."""
        data_dir = self._services.data_dir

        def run(progress: Any) -> Any:
            from speech.models import import_model

            progress.update(0, 0, "")
            info = import_model(path, data_dir, cancel=progress.cancel_event)  # (its load check tells the language)
            self._note_language(info)
            return info

        return self._services.jobs.run_long(
            run,
            on_result=on_result,
            on_error=on_error,
            on_progress=on_progress,
            on_cancelled=on_cancelled,
            name="model-import",
        )

    # jobs that load or replace the speech model: it is not deleted under them
    _MODEL_JOBS = frozenset(
        {"resolve-model", "scan-recordings", "phone-import", "test-recording", "model-import", "model-download"}
    )

    def model_busy(self) -> bool:
        """Whether the model is in use: a call being transcribed, a recording scan, an import or a download."""
        return self.live_streams > 0 or any(job.name in self._MODEL_JOBS for job in self._services.jobs.active())

    def remove_model(
        self, path: str, on_result: Callable[[Any], None], on_error: Callable[[BaseException], None]
    ) -> None:
        """Delete a model the app installed, in a worker (a large model is gigabytes): taken out of use in one rename
        under the model lock, so a call starting now finds the next model or none, then deleted without the lock. The
        setting that chose it is cleared on the GUI thread (``app.audio.model.detach_app_model``). Refused while the
        model is in use (:meth:`model_busy`)."""
        from speech.errors import ModelError, SpeechProblem

        if self.model_busy():
            on_error(ModelError(SpeechProblem.MODEL_IN_USE))
            return
        data_dir = self._services.data_dir
        settings_path = self._services.settings.value.model_path

        def run() -> Any:
            from app.audio.model import detach_app_model
            from speech.models import purge_folder

            with self._model_lock:
                removed = detach_app_model(data_dir, path, settings_path)
                self._model = None
            purge_folder(removed.detached)
            return removed

        def done(removed: Any) -> None:
            if removed.was_chosen and self._services.settings.value.model_path == settings_path:
                self._services.settings.update(model_path=None)
            on_result(removed)

        self._services.jobs.run(run, on_result=done, on_error=on_error, name="model-remove")

    def close(self) -> None:
        for slot in list(self._meters):
            self._stop_meter(slot)


@dataclass
class _MeterRun:
    """One level meter's run in its slot. Runs are numbered: a reading queued for the GUI thread is shown only while
    its run is still the slot's current one (not after the meter was stopped or replaced by the next device's)."""

    number: int
    emit_level: Callable[[float, float], None]
    job: Any = None  # the worker job, once started (a synchronous job runner may have finished it by then)


HeldBy = Literal["calls", "audio"]  # why a device scan kept PortAudio's list: live calls, or a meter / test recording


@dataclass(frozen=True)
class DeviceScan:
    """The capture devices found by :meth:`SpeechService.list_devices`.

    ``held_by`` is None when PortAudio was re-initialised for the scan (a device plugged in since is listed), else
    why it was not: ``"calls"`` (a live call is listening), ``"audio"`` (a level meter or a test recording runs).
    The list may then miss a device plugged in since; the page says so."""

    devices: tuple[Any, ...]  # speech.audio.InputDevice
    held_by: HeldBy | None = None

    @property
    def rescanned(self) -> bool:
        return self.held_by is None

    @functools.cached_property
    def keys(self) -> dict[int, str]:
        """What settings store for each device, by index (``speech.audio.input_device_keys``); worked out once per
        scan (the settings migration and the device chooser both read it)."""
        from speech.audio import input_device_keys

        return input_device_keys(self.devices)


class LiveCapture:
    """A live call's capture source, started and closed through the speech service (see ``live_capture``).

    ``source`` is the device's own source (``speech.audio.LiveSource`` or ``speech.loopback.PulseSource``)."""

    def __init__(self, source: AudioSource, service: SpeechService) -> None:
        self.source = source
        self._service = service
        self._started = False
        self._lock = threading.Lock()

    def start(self) -> None:
        with self._lock:
            if self._started:
                return
            self._service._open(self.source, live=True)
            self._started = True

    def read(self, timeout: float) -> bytes | None:
        return self.source.read(timeout)

    def close(self) -> None:
        with self._lock:
            if not self._started:
                return
            self._started = False
            self._service._close(self.source, live=True)


@dataclass(frozen=True)
class ModelStatus:
    path: str | None
    source: Any  # speech.models.ModelSource
    problem: Any  # a Message (or exception) when no usable model was found
    warning: Any = None  # the model's language warning, once it was loaded (``LoadedModel.language_warning``)
    removable: bool = False  # the app installed it (an import or a download): Settings offers to delete it

    @property
    def ready(self) -> bool:
        return self.path is not None

    def text(self, lang: str) -> str:
        if self.path is not None and self.warning is not None:  # usable, but not for Chinese: never 「已就绪」
            return "⚠ " + render_text(self.warning, lang)
        if self.path is not None:
            where = self.source.label(lang) if hasattr(self.source, "label") else ""
            if lang == "en":
                return f"Ready: {self.path}" + (f" ({where})" if where else "")
            return f"已就绪：{self.path}" + (f"（{where}）" if where else "")
        return render_text(self.problem, lang) or ("No speech model." if lang == "en" else "还没有语音识别模型。")


@dataclass(frozen=True)
class TestRecording:
    path: str
    seconds: float
    peak: float
    rms_dbfs: float
    transcript: str | None = None


def record_test(
    device: int | str | None,
    seconds: float,
    target: Any,
    progress: Any,
    open_source: Callable[[Any], None] | None = None,
    close_source: Callable[[Any], None] | None = None,
) -> TestRecording:
    """Worker: capture ``seconds`` of audio (16 kHz mono) from ``device``, save it as a WAV and measure its level."""
    import wave

    from speech.audio import LiveSource, level_of

    source = LiveSource(device)
    (open_source or (lambda src: src.start()))(source)
    chunks: list[bytes] = []
    total = int(seconds * 16000 * 2)
    got = 0
    try:
        while got < total:
            progress.check()
            block = source.read(0.5)
            if block:
                chunks.append(block)
                got += len(block)
                progress.update(min(got, total), total, "")
    finally:
        (close_source or (lambda src: src.close()))(source)
    pcm = b"".join(chunks)[:total]
    with wave.open(str(target), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(16000)
        wav.writeframes(pcm)
    reading = level_of(pcm)
    return TestRecording(str(target), len(pcm) / 32000.0, reading.peak, reading.rms_dbfs, None)
