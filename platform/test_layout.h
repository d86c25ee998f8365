// Widget positions for the end-to-end tests: screens name widgets, AppWindow writes them to a file.
#pragma once

#include <string>
#include <string_view>

namespace mk::platform {

// Records the rectangle of the last ImGui item (ImGui::GetItemRectMin/Max) under `name` for
// this frame, when MINTKIOSK_TEST_LAYOUT is set; otherwise a cheap no-op. Call it right after
// the widget, from draw code, on the thread running AppWindow::Run. Names are stable ids such
// as "checkin.search" or "checkin.result.0"; a name noted twice in a frame keeps the last.
//
// After a rendered frame whose notes differ from the last ones written, AppWindow replaces FILE
// atomically (write, then rename) with
//   frame<TAB>N                (the frame that produced these notes)
//   screen<TAB>NAME            (the last NoteScreen of the frame, if any)
//   NAME<TAB>x<TAB>y<TAB>w<TAB>h<TAB>vx<TAB>vy<TAB>vw<TAB>vh
// one line per widget in window pixels (top-left origin): the item's rectangle, then the part
// of it inside its window's clip rectangle (all 0 when scrolled out of view), so a test can
// wait for a widget, scroll to it if needed and click the centre of what is visible.
void NoteWidget(std::string_view name);

// Names the screen drawn this frame ("checkin", "walkin", ...), written as the `screen` line.
void NoteScreen(std::string_view name);

// True when MINTKIOSK_TEST_LAYOUT is set (draw code may skip building names otherwise).
bool TestLayoutEnabled();

namespace internal {
// Used by AppWindow: writes the frame's notes to the file (if enabled) and clears them.
void FlushTestLayout(long long frame_number, float framebuffer_scale_x, float framebuffer_scale_y);
}  // namespace internal

}  // namespace mk::platform
