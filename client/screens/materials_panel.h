// The Materials panel of the trainer's session (drawn in the trainer screen's Materials tab).
#pragma once

#include "client/screens/ui_context.h"
#include "client/viewmodels/materials_view_model.h"

namespace mk::client {

// Draws the panel into the space left in the current window: the session's materials with
// their state on this device, adding (button, file browser, form; dropped files open the form
// through MaterialsViewModel::OnFilesDropped), the LAN share with its QR code and URL, and
// copying to a USB stick with progress. REQUIRES: between ImGui::NewFrame and ImGui::Render.
// No I/O and no rules: every command is the view-model's.
void DrawMaterialsPanel(UiContext& ui, MaterialsViewModel& vm);

}  // namespace mk::client
