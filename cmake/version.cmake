# Writes OUTPUT, the source of vmsim's version: the project version and, when the sources are a git
# checkout, `git describe`. Run at every build; the file changes (and vmsim relinks) only when the
# description does.
execute_process(COMMAND git describe --tags --always --dirty
                WORKING_DIRECTORY "${SOURCE_DIR}"
                OUTPUT_VARIABLE VMSIM_GIT_DESCRIBE OUTPUT_STRIP_TRAILING_WHITESPACE
                RESULT_VARIABLE git_failed ERROR_QUIET)
if(git_failed)
  set(VMSIM_GIT_DESCRIBE "")
endif()
configure_file("${SOURCE_DIR}/platforms/version.cpp.in" "${OUTPUT}" @ONLY)
