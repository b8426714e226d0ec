#!/usr/bin/env bash
# Build CallShield.app with PyInstaller, sign it (hardened runtime), wrap it in a .dmg, notarise and staple.
#
#   bash packaging/macos/build-dmg.sh              # unsigned .dmg (local test builds, CI without secrets)
#
# Signing and notarisation run only when their variables are set; otherwise each step says it is skipped:
#   CODESIGN_IDENTITY      "Developer ID Application: Name (TEAMID)"; empty -> ad-hoc signature from PyInstaller only
#   NOTARY_PROFILE         a keychain profile made with `xcrun notarytool store-credentials`, or else all three of
#   APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD   (app-specific password) for `xcrun notarytool submit`
# Other knobs:
#   SKIP_BUILD=1           reuse dist/CallShield.app
#   CALLSHIELD_BUNDLE_MODEL=/path/to/model          ship a Vosk model inside the app (see build.spec)
#   SELFTEST_MODEL=/path/to/model                   pass --model to the smoke test
set -euo pipefail
cd "$(dirname "$0")/../.."

APP_NAME="CallShield"
VERSION="$(python3 -c 'import app; print(app.__version__)')"
ARCH="$(uname -m)"
APP="dist/${APP_NAME}.app"
DMG="dist/${APP_NAME}-${VERSION}-macos-${ARCH}.dmg"
ENTITLEMENTS="packaging/macos/entitlements.plist"

if [[ "$(uname -s)" != "Darwin" ]]; then
  echo "build-dmg.sh needs macOS (hdiutil, codesign, notarytool) / 需要在 macOS 上运行" >&2
  exit 2
fi

if [[ "${SKIP_BUILD:-}" != "1" ]]; then
  python3 -m PyInstaller --noconfirm --clean build.spec
fi
[[ -d "$APP" ]] || { echo "missing $APP: build failed? / 未找到 $APP" >&2; exit 1; }

echo "== smoke test: ${APP}/Contents/MacOS/${APP_NAME} --self-test"
selftest_args=(--self-test --no-error-dialogs --data-dir "$(mktemp -d)")
[[ -n "${SELFTEST_MODEL:-}" ]] && selftest_args+=(--model "$SELFTEST_MODEL")
QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}" "${APP}/Contents/MacOS/${APP_NAME}" "${selftest_args[@]}"

if [[ -n "${CODESIGN_IDENTITY:-}" ]]; then
  echo "== codesign (hardened runtime) with: ${CODESIGN_IDENTITY}"
  # Inside out: every Mach-O library first (libvosk.dyld included: it is a dylib with an odd name), then the app.
  while IFS= read -r -d '' file; do
    if file -b "$file" | grep -q "Mach-O"; then
      codesign --force --timestamp --options runtime --sign "$CODESIGN_IDENTITY" "$file"
    fi
  done < <(find "$APP/Contents/Frameworks" "$APP/Contents/Resources" -type f -print0)
  codesign --force --timestamp --options runtime --entitlements "$ENTITLEMENTS" \
    --sign "$CODESIGN_IDENTITY" "$APP"
  codesign --verify --deep --strict --verbose=2 "$APP"
else
  echo "== codesign skipped: CODESIGN_IDENTITY not set (the app keeps PyInstaller's ad-hoc signature)"
fi

echo "== dmg: $DMG"
staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
cp -R "$APP" "$staging/"
ln -s /Applications "$staging/Applications"
rm -f "$DMG"
hdiutil create -volname "${APP_NAME} ${VERSION}" -srcfolder "$staging" -ov -format UDZO "$DMG"

if [[ -n "${CODESIGN_IDENTITY:-}" ]]; then
  codesign --force --timestamp --sign "$CODESIGN_IDENTITY" "$DMG"
fi

notary_args=()
if [[ -n "${NOTARY_PROFILE:-}" ]]; then
  notary_args=(--keychain-profile "$NOTARY_PROFILE")
elif [[ -n "${APPLE_ID:-}" && -n "${APPLE_TEAM_ID:-}" && -n "${APPLE_APP_PASSWORD:-}" ]]; then
  notary_args=(--apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" --password "$APPLE_APP_PASSWORD")
fi
if [[ -n "${CODESIGN_IDENTITY:-}" && ${#notary_args[@]} -gt 0 ]]; then
  echo "== notarytool submit (waits for Apple's verdict)"
  xcrun notarytool submit "$DMG" "${notary_args[@]}" --wait
  echo "== stapler staple"
  xcrun stapler staple "$DMG"
  xcrun stapler validate "$DMG"
  spctl --assess --type open --context context:primary-signature --verbose=2 "$DMG"
else
  echo "== notarisation skipped: needs CODESIGN_IDENTITY and NOTARY_PROFILE or APPLE_ID/APPLE_TEAM_ID/APPLE_APP_PASSWORD"
fi

echo "built $DMG ($(du -h "$DMG" | cut -f1))"
