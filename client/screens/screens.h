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
// The trainer's side (Screen::kTrainer): sign-in, today's sessions, and a session's tab bar,
// which calls one panel per TrainerTab (client/screens/trainer_screen.cpp: add a tab's panel
// there, in the switch over vm.trainer().tab()). A panel draws below the tab bar in the space
// left, reads vm.trainer() and has no I/O.
void DrawTrainerScreen(UiContext& ui, KioskViewModel& vm);
void DrawRosterPanel(UiContext& ui, KioskViewModel& vm);
// The Feedback tab (aggregates from 5 answer sets on, the follow-up) and the Certificates tab
// (issue the session's certificates into a folder); state in vm.feedback_panel() and
// vm.certificates_panel().
void DrawFeedbackPanel(UiContext& ui, KioskViewModel& vm);
void DrawCertificatesPanel(UiContext& ui, KioskViewModel& vm);
// The Materials tab (client/screens/materials_panel.cpp): the session's materials, adding,
// the LAN share with its QR code, copying to a USB stick; state in vm.materials_panel().
void DrawMaterialsPanel(UiContext& ui, KioskViewModel& vm);
// The anonymous survey (Screen::kSurvey), its thank-you (kSurveyThanks), and Home's calm offers
// of it (drawn by DrawHomeScreen above the sessions; nothing when none is open).
void DrawSurveyScreen(UiContext& ui, KioskViewModel& vm);
void DrawSurveyThanksScreen(UiContext& ui, KioskViewModel& vm);
void DrawSurveyOffers(UiContext& ui, KioskViewModel& vm);

// The stable name of a screen ("home", "checkin", ...), for notes and screenshots.
const char* ScreenName(Screen screen);

}  // namespace mk::client
