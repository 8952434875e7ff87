# One bounded fuzz run for CTest: TARGET over a fresh SCRATCH folder (where new inputs go) and
# the seed CORPUS, with ARGS. Fails when the fuzzer reports anything (crash, leak, timeout, OOM).
file(REMOVE_RECURSE ${SCRATCH})
file(MAKE_DIRECTORY ${SCRATCH})
set(args ${ARGS})
list(FILTER args EXCLUDE REGEX "^$")
execute_process(COMMAND ${TARGET} ${args} ${SCRATCH} ${CORPUS} RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "${TARGET} failed (${result}): see the report above; the input that "
                      "failed is kept next to ${SCRATCH}")
endif()
