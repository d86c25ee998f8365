# Compiler warnings and sanitizers as INTERFACE targets that every project target links.
add_library(mk_warnings INTERFACE)
target_compile_options(mk_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
if(MK_WERROR)
  target_compile_options(mk_warnings INTERFACE -Werror)
endif()

add_library(mk_sanitizers INTERFACE)
if(MK_SANITIZE)
  target_compile_options(mk_sanitizers INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(mk_sanitizers INTERFACE -fsanitize=address,undefined)
endif()

# ThreadSanitizer, for the tests of code that runs on several threads (the sync worker, the
# server); it cannot be combined with MK_SANITIZE.
if(MK_TSAN)
  if(MK_SANITIZE)
    message(FATAL_ERROR "MK_TSAN and MK_SANITIZE cannot be combined: configure two build directories")
  endif()
  target_compile_options(mk_sanitizers INTERFACE -fsanitize=thread -fno-omit-frame-pointer)
  target_link_options(mk_sanitizers INTERFACE -fsanitize=thread)
endif()

# Fuzzing (clang only): every target gets libFuzzer's coverage hooks and the sanitizers; the
# fuzz targets themselves link libFuzzer's driver (tests/fuzz/CMakeLists.txt).
if(MK_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "MK_FUZZ needs clang (configure with CXX=clang++)")
  endif()
  target_compile_options(mk_sanitizers INTERFACE -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                                                 -fno-sanitize-recover=undefined)
  target_link_options(mk_sanitizers INTERFACE -fsanitize=address,undefined)
endif()

add_library(mk_options INTERFACE)
target_link_libraries(mk_options INTERFACE mk_warnings mk_sanitizers)
