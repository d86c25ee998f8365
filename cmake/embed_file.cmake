# Script mode: writes OUT, a C++ file defining string_view VAR with the bytes of IN.
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" hex_len)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
file(WRITE ${OUT} "// Generated from ${IN}; do not edit.\n#include <string_view>\nnamespace mk::embedded {\nstatic const char k${VAR}[] = {${bytes} 0};\nextern const std::string_view ${VAR};\nconst std::string_view ${VAR}(k${VAR}, sizeof(k${VAR}) - 1);\n}\n")
