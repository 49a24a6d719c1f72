#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Screenshots of the plugin in Debian's Wireshark Qt GUI, under Xvfb.
#
#   tests/gui_screenshot.sh                 doc/msnp-gui.png, doc/qq-gui.png,
#                                           doc/qq-decrypt-gui.png,
#                                           doc/gui-statistics-menu.png and
#                                           doc/gui-msnp-preferences.png
#   tests/gui_screenshot.sh CAPTURE FILTER FRAME OUT.png [WIDTHxHEIGHT]
#                                           one screenshot: CAPTURE opened with
#                                           display filter FILTER, frame FRAME
#                                           selected, its last protocol layer
#                                           expanded (GUI_KEYS: more keys,
#                                           GUI_OPTS: more wireshark options)
#   tests/gui_screenshot.sh --deps          install the Debian packages it needs
#
# The GUI loads only the built module (PLUGIN_SO, default build/msnp_qq.so),
# the same way the test suite runs tshark: with an empty HOME and
# WIRESHARK_PLUGIN_DIR holding just the module, as user nobody when run as
# root (Wireshark run as root ignores WIRESHARK_PLUGIN_DIR and personal
# plugins).  Needs wireshark (the Qt GUI: wireshark-qt up to Debian 12, the
# wireshark package itself after), xvfb, xdotool and imagemagick.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PLUGIN_SO=${PLUGIN_SO:-$ROOT/build/msnp_qq.so}
# "wireshark" installs the Qt GUI on every Debian release (up to Debian 12 by
# depending on wireshark-qt); a CJK font for the QQ messages in Chinese.
DEPS=(wireshark xvfb xdotool imagemagick fonts-wqy-microhei)
WAIT_LOAD=${WAIT_LOAD:-3}     # seconds after the capture is loaded

die() { echo "gui_screenshot: $*" >&2; exit 1; }

if [ "${1:-}" = --deps ]; then
    if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    exec "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends "${DEPS[@]}"
fi

for tool in wireshark Xvfb xdotool import; do
    command -v "$tool" >/dev/null || die "$tool is missing: run $0 --deps (packages: ${DEPS[*]})"
done
[ -f "$PLUGIN_SO" ] || die "$PLUGIN_SO is missing: build the plugin first (./plugin.sh build)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/msnp-qq-gui.XXXXXX")
XVFB_PID=
WS_PID=
cleanup() {
    if [ -n "$WS_PID" ]; then kill "$WS_PID" 2>/dev/null || true; fi
    if [ -n "$XVFB_PID" ]; then kill "$XVFB_PID" 2>/dev/null || true; fi
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

# as_user CMD...: run as nobody when root, else as ourselves.
if [ "$(id -u)" -eq 0 ]; then
    as_user() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
    OWNER=65534:65534
else
    as_user() { "$@"; }
    OWNER=
fi

# The running Wireshark's layout: plugins/<major.minor>/epan.
EPAN=$(python3 "$ROOT/tests/wsversion.py" plugin-folder "$WORK/plugins")
mkdir -p "$EPAN" "$WORK/home/.config/wireshark" "$WORK/run" "$WORK/captures"
cp "$PLUGIN_SO" "$EPAN/"
chmod -R a+rX "$WORK/plugins"
chmod 755 "$WORK" "$WORK/captures"
[ -n "$OWNER" ] && chown -R "$OWNER" "$WORK/home" "$WORK/run"
chmod 700 "$WORK/run"

# start_x WIDTH HEIGHT: a private X server on a free display number.
start_x() {
    local fifo=$WORK/displayfd
    mkfifo "$fifo"
    # -ac: no access control, so that nobody can connect; the server listens
    # on its local socket only and lives as long as this script.
    Xvfb -displayfd 3 -screen 0 "${1}x${2}x24" -nolisten tcp -ac 3>"$fifo" \
        >"$WORK/xvfb.log" 2>&1 &
    XVFB_PID=$!
    local n
    read -r -t 20 n <"$fifo" || die "Xvfb did not start: $(cat "$WORK/xvfb.log")"
    export DISPLAY=:$n
}

# shot CAPTURE FILTER FRAME OUT [WxH]
shot() {
    local capture=$1 filter=$2 frame=$3 out=$4 size=${5:-1280x900}
    local width=${size%x*} height=${size#*x}
    [ -f "$capture" ] || die "capture $capture does not exist"
    local copy
    copy=$WORK/captures/$(basename "$capture")
    cp "$capture" "$copy"
    chmod 644 "$copy"

    # Window geometry and pane sizes (Wireshark's "recent" files), written
    # before start-up so that every run looks the same.
    # No name resolution: -n (the name_resolve.* preferences are gone in 4.4).
    local upper=$(( (height - 120) * 2 / 5 ))
    for f in recent recent_common; do
        cat >"$WORK/home/.config/wireshark/$f" <<EOF
gui.geometry_main_x: 0
gui.geometry_main_y: 0
gui.geometry_main_width: $width
gui.geometry_main_height: $height
gui.geometry_main_maximized: FALSE
gui.geometry_main_upper_pane: $upper
gui.toolbar_main_show: TRUE
gui.filter_toolbar_show: TRUE
gui.packet_list_show: TRUE
gui.tree_view_show: TRUE
gui.byte_view_show: FALSE
gui.statusbar_show: TRUE
gui.zoom_level: 0
privs.warn_if_elevated: FALSE
sys.warn_if_no_capture: FALSE
EOF
    done
    [ -n "$OWNER" ] && chown -R "$OWNER" "$WORK/home"

    start_x "$width" "$height"
    as_user env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DISPLAY="$DISPLAY" \
        HOME="$WORK/home" XDG_RUNTIME_DIR="$WORK/run" LANG=C.UTF-8 LC_ALL=C.UTF-8 \
        QT_QPA_PLATFORM=xcb WIRESHARK_PLUGIN_DIR="$WORK/plugins" \
        wireshark -r "$copy" -Y "$filter" -g "$frame" \
        -o gui.layout_type:2 -o gui.layout_content_1:PLIST \
        -o gui.layout_content_2:PDETAILS -o gui.layout_content_3:NONE \
        -o gui.packet_list_show_minimap:FALSE -o gui.update.enabled:FALSE -n ${GUI_OPTS:-} \
        >"$WORK/wireshark.log" 2>&1 &
    WS_PID=$!

    local win=""
    for _ in $(seq 1 120); do
        # By window class: the title is the capture's name once it has
        # loaded, which can happen before the first look.
        win=$(xdotool search --onlyvisible --class '^Wireshark$' 2>/dev/null | head -n 1 || true)
        [ -n "$win" ] && break
        kill -0 "$WS_PID" 2>/dev/null || die "wireshark exited: $(tail -n 20 "$WORK/wireshark.log")"
        sleep 0.5
    done
    [ -n "$win" ] || die "no Wireshark window after 60 s: $(tail -n 20 "$WORK/wireshark.log")"
    # The title names the capture once it is loaded; then give the packet
    # list and details a moment to draw.
    # Wireshark 4.4 and later replace the first window they map by another
    # one once the capture is loaded: look for the window again each time.
    local name w
    name=$(basename "$capture")
    for _ in $(seq 1 120); do
        for w in $(xdotool search --onlyvisible --class '^Wireshark$' 2>/dev/null || true); do
            case "$(xdotool getwindowname "$w" 2>/dev/null || true)" in
            *"$name"*) win=$w; break 2 ;;
            esac
        done
        sleep 0.5
    done
    sleep "$WAIT_LOAD"
    # Open the last layer of the packet (our protocol) with all its subtrees,
    # leaving frame, Ethernet, IP and TCP/UDP collapsed: a click on the empty
    # bottom of the packet details pane focuses it, Down (repeated) walks to
    # its last top-level item and Shift+Right is View > Expand Subtrees.
    xdotool windowfocus --sync "$win" 2>/dev/null || true
    xdotool mousemove --sync $(( width / 2 )) $(( height - 40 )) click 1
    sleep 0.5
    local downs=()
    for _ in $(seq 1 25); do downs+=(Down); done
    xdotool key --clearmodifiers --delay 60 "${downs[@]}"
    sleep 0.5
    xdotool key --clearmodifiers shift+Right
    sleep 2
    # GUI_KEYS: more keys to press before the shot, e.g. "alt+s" opens the
    # Statistics menu (to see the plugin's entries).
    if [ -n "${GUI_KEYS:-}" ]; then
        # shellcheck disable=SC2086
        xdotool key --clearmodifiers --delay 400 $GUI_KEYS
        sleep 2
    fi
    # The title names the open capture once it is loaded.
    echo "window: $(xdotool getwindowname "$win" 2>/dev/null || true)" >&2
    mkdir -p "$(dirname "$out")"
    # 256 colours (half the size, same look) and no time stamps in the file.
    import -display "$DISPLAY" -window root -strip -colors 256 "PNG8:$out"
    kill "$WS_PID" 2>/dev/null || true
    wait "$WS_PID" 2>/dev/null || true
    WS_PID=
    kill "$XVFB_PID" 2>/dev/null || true
    wait "$XVFB_PID" 2>/dev/null || true
    XVFB_PID=
    rm -f "$WORK/displayfd"
    echo "$out"
}

if [ $# -ge 4 ]; then
    shot "$@"
elif [ $# -eq 0 ]; then
    # The pictures of README.md and doc/usage.md: a chat message of the MSNP login sample and a
    # resent QQ2010 login; then the plugin's entries in the Statistics menu
    # and its preferences page under Protocols (opened from the packet
    # details' context menu: Protocol Preferences > Open ... preferences).
    shot sample-pcaps/msnp-login.pcap 'msnp' 54 doc/msnp-gui.png
    shot sample-pcaps/qq-udp-session.pcap 'qq' 2 doc/qq-gui.png
    GUI_OPTS="-o qq.password:python" shot sample-pcaps/qq-decrypt-classic.pcap 'qq' 3 \
        doc/qq-decrypt-gui.png 1280x1100
    GUI_KEYS="alt+s Up Right" shot sample-pcaps/qq-udp-session.pcap 'qq' 2 doc/gui-statistics-menu.png
    GUI_KEYS="Menu Up Up Right Return" shot sample-pcaps/msnp-login.pcap 'msnp' 54 \
        doc/gui-msnp-preferences.png
else
    sed -n '4,14p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
