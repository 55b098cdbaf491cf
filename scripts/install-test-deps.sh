#!/usr/bin/env bash
# Installs from Debian what the test suite needs beyond a JDK and Maven, where it is missing:
#   chromium, chromium-driver  the browser tests drive the upload page in headless Chromium
#   libturbojpeg0              the worker's JPEG codec; JpegCodecTest and ImagePipelineTest compare
#                              it with ImageIO (without it the worker falls back to ImageIO, and
#                              those tests fail: they name the library)
# Used by .ci/run and scripts/stress-verify.sh; safe to run again. Needs root or sudo.
set -euo pipefail
missing=()
if ! [ -x /usr/bin/chromium ] || ! [ -x /usr/bin/chromedriver ]; then
    missing+=(chromium chromium-driver)
fi
if ! compgen -G '/usr/lib/*/libturbojpeg.so.0' > /dev/null; then
    missing+=(libturbojpeg0)
fi
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
echo "install-test-deps: installing ${missing[*]} from Debian"
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
$SUDO apt-get update -qq && $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
