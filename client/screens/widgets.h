// Shared kiosk widgets: big buttons, text fields the view-model owns, the keyboard, the countdown, the sync indicator.
#pragma once

#include <string>
#include <string_view>

#include "client/screens/ui_context.h"
#include "client/viewmodels/kiosk_view_model.h"

namespace mk::client {

// Records the last ImGui item's rectangle under `name` (UiContext::notes, note_widget).
void NoteItem(UiContext& ui, const std::string& name);

// `text` as it fits `max_width` in the current font on one line: unchanged when it fits, else
// cut at a character (never inside a UTF-8 sequence) and ended with "…". Empty when not even
// the ellipsis fits.
std::string Ellipsize(std::string_view text, float max_width);

// One line of text, ended with "…" when it is wider than `width`; noted under `name` when given.
void TextEllipsized(UiContext& ui, const std::string& text, float width, const std::string& name = "");

// The width a button needs for `label` (text plus frame padding), at least `min_width` and at
// most `max_width`.
float ButtonWidth(const std::string& label, float min_width, float max_width);

// A button at least layout.touch high. `name` is its stable id and note name. A label wider
// than the button ends with "…". A tap that turned into a drag (scrolling a list with a
// finger) is not a press.
bool BigButton(UiContext& ui, const std::string& name, const std::string& label, float width, bool primary = false);

// Puts the next item, `next_width` wide, beside the last one when it fits the window's width,
// else on a new line (rows of buttons on a phone).
void SameLineIfFits(float next_width);

// A heading in the bold font (when there is one), larger, wrapped at `wrap_width` from where it
// starts (0: at the window's edge).
void Heading(UiContext& ui, const std::string& text, float scale, float wrap_width = 0.0f);

// A heading on one line, ended with "…" when it is wider than `width`.
void HeadingLine(UiContext& ui, const std::string& text, float scale, float width);

// A labelled box showing `shown`, highlighted with a caret when `focused`; true when tapped.
// `scroll_into_view` scrolls the window to it when it is out of view. (TextBox draws a
// view-model field with it; panels drawn without the kiosk show their text with it.)
bool TextDisplayBox(UiContext& ui, const std::string& name, const std::string& label, const std::string& shown,
                    float width, bool focused, bool scroll_into_view = false);

// A labelled box showing a view-model field, with a caret when focused; a tap focuses it, and
// the on-screen keyboard (OnScreenKeyboardWidget) then types into it, as any hardware keyboard.
// `secret` shows dots instead of the text (PINs).
void TextBox(UiContext& ui, KioskViewModel& vm, FieldId id, const std::string& name, const std::string& label,
             float width, bool secret = false);

// A large tick box with its text; returns true when tapped.
bool TickBox(UiContext& ui, const std::string& name, const std::string& label, bool checked, float width);

// The on-screen keyboard over the view-model's keyboard state, `width` wide.
void OnScreenKeyboardWidget(UiContext& ui, KioskViewModel& vm, float width);

// A notice in calm (info) or clear (error) colours.
void NoticeText(UiContext& ui, const Notice& notice);

// The idle countdown, when it runs.
void IdleCountdownBanner(UiContext& ui, KioskViewModel& vm);

// The small, calm sync indicator.
void SyncIndicatorText(UiContext& ui, const SyncIndicator& sync);

// Call right after BeginChild: lets a finger drag the content up and down (ImGui 1.86 scrolls
// only with a wheel), and puts the scroll position back to the top after a reset. True when the
// person scrolled it this frame (a drag or the wheel).
bool ScrollArea(const UiContext& ui);

// Height the on-screen keyboard takes with the current layout (0 when it is hidden).
float KeyboardHeight(const UiContext& ui, const KioskViewModel& vm);

// The translated message of a notice with its arguments.
std::string NoticeMessage(UiContext& ui, const Notice& notice);

}  // namespace mk::client
