#!/usr/bin/env bash
# System packages ama's tests and benchmarks use (Debian/Ubuntu). ama itself needs none of them to
# run; ffmpeg is optional at run time (it decodes M4A/AAC and other containers).
#   ffmpeg            reference loudness meter (ebur128 filter) and encoder for test fixtures
#   libebur128-dev    reference BS.1770 implementation, compiled into a tiny harness by the tests
#   sox               test fixtures
#   python3-scipy     independent spectrum estimate (Welch) for the profile tests
#   wesnoth-1.16-music  real music (Ogg Vorbis) for the comparison with ffmpeg
#   build-essential   compiles the libebur128 harness
#   fluidsynth, fluid-soundfont-gm, planetblupi-music-midi
#                     real multitrack stems for the efficacy benchmark (scripts/corpus/): MIDI songs
#                     rendered one instrument at a time with the General MIDI soundfont
#   jackd2, python3-jack-client, libasound2-plugins
#                     a JACK dummy server as a real-time "DAW" for the PortAudio capture tests
#   tmux              runs the terminal dashboard in the tests
#   chromium          loads the feed's web page in a real headless browser in the tests
#   ardour, ardour-lv2-plugins
#                     a real DAW (Ardour 7, headless through ardour7-lua, with ACE EQ and ACE Compressor)
#                     that the DAW-push tests drive over OSC and read back through its Lua API
#   liblo-tools       oscdump and oscsend: an independent OSC listener and sender for the tests
set -euo pipefail
packages=(ffmpeg libebur128-dev sox python3-scipy python3-numpy wesnoth-1.16-music build-essential fluidsynth fluid-soundfont-gm planetblupi-music-midi jackd2 python3-jack-client libasound2-plugins tmux chromium ardour ardour-lv2-plugins liblo-tools)
missing=()
for p in "${packages[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
if [ ${#missing[@]} -eq 0 ]; then echo "system packages: all present"; exit 0; fi
echo "installing system packages: ${missing[*]}"
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "system packages: installed"
