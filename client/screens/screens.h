// The kiosk's screens: one draw function per screen over the KioskViewModel, and the root that picks one.
#pragma once

#include "client/screens/ui_context.h"
#include "client/viewmodels/kiosk_view_model.h"

namespace mk::client {

// Draws the whole kiosk for this frame: a full-window panel, the header (centre, date,
// language, sync indicator), the current screen and the idle countdown. Forwards typed
// characters, Enter, Backspace and paste to the view-model (so a scanner is recognised on
// every screen) and any touch as activity. REQUIRES: between ImGui::NewFrame and ImGui::Render.
// No I/O and no rules here: every decision is the view-model's.
void DrawKiosk(UiContext& ui, KioskViewModel& vm);

void DrawHomeScreen(UiContext& ui, KioskViewModel& vm);
void DrawCheckInScreen(UiContext& ui, KioskViewModel& vm);
void DrawConfirmationScreen(UiContext& ui, KioskViewModel& vm);
void DrawWalkInScreen(UiContext& ui, KioskViewModel& vm);
void DrawPinScreen(UiContext& ui, KioskViewModel& vm);
void DrawSettingsScreen(UiContext& ui, KioskViewModel& vm);

// The stable name of a screen ("home", "checkin", ...), for notes and screenshots.
const char* ScreenName(Screen screen);

}  // namespace mk::client
