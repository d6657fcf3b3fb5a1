#!/usr/bin/python3
"""Serves rtsp://127.0.0.1:PORT/test (MJPEG video test pattern and a PCMA
test tone) with GStreamer's RTSP server, for the sharpeyes probe tests.

usage: gst_rtsp_server.py PORT [none|basic|digest USER PASSWORD]
       gst_rtsp_server.py --check   (exit 0 when every GStreamer part is installed)

PORT 0 picks a free port. Prints "READY <port>" once listening, then serves
until killed or until stdin closes (so it dies with the test that started it).
"""
import sys
import threading

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402

PIPELINE = (
    "( videotestsrc is-live=true ! video/x-raw,format=I420,width=320,height=240,framerate=5/1 "
    "! jpegenc ! rtpjpegpay name=pay0 pt=26 "
    "audiotestsrc is-live=true ! audio/x-raw,rate=8000,channels=1 "
    "! alawenc ! rtppcmapay name=pay1 pt=8 )"
)


ELEMENTS = ["videotestsrc", "jpegenc", "rtpjpegpay", "audiotestsrc", "alawenc", "rtppcmapay"]


def main():
    args = sys.argv[1:]
    if args == ["--check"]:
        Gst.init(None)
        missing = [e for e in ELEMENTS if Gst.ElementFactory.find(e) is None]
        if missing:
            sys.exit("missing GStreamer elements: " + " ".join(missing))
        return
    if len(args) not in (1, 2, 4) or (len(args) == 2 and args[1] != "none"):
        sys.exit(__doc__)
    port = int(args[0])
    method = args[1] if len(args) > 1 else "none"
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(port))
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(PIPELINE)
    # Not shared: a shared media being torn down after one client answers
    # the next DESCRIBE with 503.
    factory.set_shared(False)
    if method != "none":
        user, password = args[2], args[3]
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, "user")
        if method == "basic":
            auth.set_supported_methods(GstRtsp.RTSPAuthMethod.BASIC)
            auth.add_basic(GstRtspServer.RTSPAuth.make_basic(user, password), token)
        elif method == "digest":
            auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
            auth.add_digest(user, password, token)
        else:
            sys.exit("unknown auth method " + method)
        server.set_auth(auth)
        role = Gst.Structure.new_from_string(
            "user, media.factory.access=(boolean)true, media.factory.construct=(boolean)true")
        factory.add_role_from_structure(role)
    server.get_mount_points().add_factory("/test", factory)
    if server.attach(None) == 0:
        sys.exit("cannot listen on 127.0.0.1:%d" % port)
    loop = GLib.MainLoop()

    def watch_stdin():
        sys.stdin.read()
        GLib.idle_add(loop.quit)

    threading.Thread(target=watch_stdin, daemon=True).start()
    print("READY %d" % server.get_bound_port(), flush=True)
    loop.run()


if __name__ == "__main__":
    main()
