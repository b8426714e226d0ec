; CallShield 来电护盾 — Windows installer (NSIS 3, Unicode, Modern UI 2).
;
; Per-user install: no administrator rights, files under %LOCALAPPDATA%\Programs\CallShield, a Start-menu
; shortcut and an uninstaller registered under HKCU (shown in "Apps & features").
;
;   makensis /DVERSION=0.1.0 /DDIST_DIR=dist\CallShield /DOUTFILE=dist\CallShield-0.1.0-setup.exe ^
;            packaging\windows\callshield.nsi
;
; DIST_DIR is the PyInstaller one-folder build (build.spec).  Paths given on the command line are relative
; to this script's folder unless absolute; .github/workflows/package.yml passes absolute ones.

Unicode true
ManifestDPIAware true
RequestExecutionLevel user
SetCompressor /SOLID lzma

!ifndef VERSION
  !error "pass /DVERSION=x.y.z"
!endif
!ifndef DIST_DIR
  !error "pass /DDIST_DIR=<PyInstaller one-folder build>"
!endif
!ifndef OUTFILE
  !define OUTFILE "CallShield-${VERSION}-setup.exe"
!endif
!ifndef ICON
  !define ICON "..\icons\callshield.ico"
!endif

!define APP_NAME "CallShield"
!define APP_NAME_ZH "来电护盾"
!define APP_EXE "CallShield.exe"
!define PUBLISHER "CallShield contributors"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_NAME}"

Name "${APP_NAME} ${APP_NAME_ZH} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP_NAME}"
InstallDirRegKey HKCU "Software\${APP_NAME}" "InstallDir"
BrandingText "${APP_NAME} ${VERSION}"

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=0 "ProductName" "${APP_NAME} ${APP_NAME_ZH}"
VIAddVersionKey /LANG=0 "FileDescription" "${APP_NAME} ${APP_NAME_ZH} installer"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=0 "LegalCopyright" "Apache-2.0"

!include "MUI2.nsh"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${APP_EXE}"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

; The first language is the default; Windows picks the user's own when it is one of these.
!insertmacro MUI_LANGUAGE "SimpChinese"
!insertmacro MUI_LANGUAGE "English"

LangString ShortcutName ${LANG_SIMPCHINESE} "来电护盾 CallShield"
LangString ShortcutName ${LANG_ENGLISH} "CallShield 来电护盾"
LangString UninstallName ${LANG_SIMPCHINESE} "卸载 来电护盾"
LangString UninstallName ${LANG_ENGLISH} "Uninstall CallShield"

Function .onInit
  SetShellVarContext current
FunctionEnd

Function un.onInit
  SetShellVarContext current
FunctionEnd

Section "CallShield" SecMain
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; Replace, never merge: files left from an older version could shadow new ones.
  RMDir /r "$INSTDIR\_internal"
  File /r "${DIST_DIR}\*.*"

  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateDirectory "$SMPROGRAMS\${APP_NAME}"
  CreateShortcut "$SMPROGRAMS\${APP_NAME}\$(ShortcutName).lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0
  CreateShortcut "$SMPROGRAMS\${APP_NAME}\$(UninstallName).lnk" "$INSTDIR\uninstall.exe"

  WriteRegStr HKCU "Software\${APP_NAME}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${APP_NAME} ${APP_NAME_ZH}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${APP_EXE}"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  ; The user's data (calls, lists, settings, logs in %LOCALAPPDATA%\CallShield) is theirs and stays.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${APP_EXE}"
  Delete "$INSTDIR\callshield-cli.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${APP_NAME}\*.lnk"
  RMDir "$SMPROGRAMS\${APP_NAME}"
  DeleteRegKey HKCU "${UNINST_KEY}"
  DeleteRegKey HKCU "Software\${APP_NAME}"
SectionEnd
