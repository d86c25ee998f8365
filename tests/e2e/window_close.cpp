// The window manager's close request, sent with Xlib (kept apart: Xlib's macros clash with C++ names).
#include <X11/Xlib.h>

#include <string>

#include "tests/e2e/e2e_support.h"

namespace mk::e2e {

bool RequestWindowClose(const std::string& display, const std::string& window_id) {
  if (window_id.empty()) return false;
  ::Display* x = XOpenDisplay(display.c_str());
  if (x == nullptr) return false;
  const ::Window window = static_cast<::Window>(std::stoul(window_id));
  XEvent event{};
  event.xclient.type = ClientMessage;
  event.xclient.window = window;
  event.xclient.message_type = XInternAtom(x, "WM_PROTOCOLS", False);
  event.xclient.format = 32;
  event.xclient.data.l[0] = static_cast<long>(XInternAtom(x, "WM_DELETE_WINDOW", False));
  event.xclient.data.l[1] = CurrentTime;
  const bool sent = XSendEvent(x, window, False, NoEventMask, &event) != 0;
  XSync(x, False);
  XCloseDisplay(x);
  return sent;
}

}  // namespace mk::e2e
