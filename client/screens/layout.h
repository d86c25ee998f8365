// Layouts that adapt to the window: phone portrait, tablet landscape, full-HD kiosk landscape and portrait.
#pragma once

namespace mk::client {

enum class FormFactor { kPhonePortrait, kTabletLandscape, kKioskLandscape, kKioskPortrait };

// Sizes in ImGui units (pixels at scale 1). Invariant: touch >= 48 * scale.
struct Layout {
  FormFactor form = FormFactor::kTabletLandscape;
  float width = 1280;
  float height = 800;
  float scale = 1.0f;
  float touch = 48;        // minimum height of anything a finger taps
  float pad = 16;          // outer padding
  float gap = 8;           // between widgets
  float key_height = 56;   // on-screen keyboard keys
  float key_gap = 4;       // between keyboard keys
  // The keyboard's form: compact where the wide QWERTZ rows would make keys narrower than a
  // touch target (phones); keys are then at least `touch` wide on a 412 px window.
  bool compact_keyboard = false;
  float content_width = 0; // width of the central column (forms, lists)
  // Heading sizes as multiples of the text size; the platform has a font of each size
  // (platform::kHeadingScales), so headings are never scaled bitmaps.
  float heading_scale = 1.6f;        // screen titles
  float large_heading_scale = 1.92f; // the confirmation's welcome
  bool portrait() const { return form == FormFactor::kPhonePortrait || form == FormFactor::kKioskPortrait; }
};

// A factor on top of the person's UI scale, so a full-HD screen shows the kiosk at a size
// readable from a step away instead of a small tablet in a corner: 1 up to 900 px on the
// window's short side, then growing with it (1.2 at 1080 px), at most 2.
float WindowScale(float width, float height);

// Picks the form factor from the window size and derives the sizes. Pure: no ImGui calls.
Layout ComputeLayout(float width, float height, float ui_scale);

}  // namespace mk::client
