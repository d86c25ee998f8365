# Every third-party dependency comes from a Debian package; nothing is downloaded.
find_package(PkgConfig REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(CURL REQUIRED)
find_package(nlohmann_json 3 REQUIRED CONFIG)
find_package(Threads REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
# The LAN share's QR code (client/lan_share).
pkg_check_modules(QRENCODE REQUIRED IMPORTED_TARGET libqrencode)
# Certificates of attendance as PDF (client/certificates): Cairo with FreeType fonts.
pkg_check_modules(CAIRO REQUIRED IMPORTED_TARGET cairo cairo-ft cairo-pdf freetype2)
# Sync batches, pages and bundles are zstd-compressed.
find_package(zstd REQUIRED CONFIG)
# The kiosk window (platform/): SDL2, OpenGL, Dear ImGui 1.86 with stb and FreeType.
find_package(SDL2 REQUIRED CONFIG)
find_package(OpenGL REQUIRED)
pkg_check_modules(IMGUI REQUIRED IMPORTED_TARGET GLOBAL imgui stb freetype2)
if(MK_BUILD_TESTS)
  find_package(Catch2 2 REQUIRED CONFIG)
endif()
