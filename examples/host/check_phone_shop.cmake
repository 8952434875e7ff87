# The examples.host test: cmake -DPROGRAM=... -DDATABASE=... -P check_phone_shop.cmake
# Runs phone_shop and checks that it exits 0, delivers the SMS of the happy path of
# phone-repair.yaml in order (each line named by a fragment of its text), completes the case and
# calls the loyalty handler.
file(REMOVE ${DATABASE} ${DATABASE}-wal ${DATABASE}-shm)  # a fresh shop
execute_process(COMMAND ${PROGRAM} ${DATABASE} RESULT_VARIABLE code OUTPUT_VARIABLE out
                ERROR_VARIABLE err)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "phone_shop exited with ${code}\n${out}\n${err}")
endif()

set(expected
  "SMS to 09121234567: رضا [^\n]*Galaxy A52[^\n]*R-۱۰۰۱[^\n]*\n"       # received
  "SMS to 09121234567: [^\n]*a broken display connector\n"             # diagnosed
  "SMS to 09121234567: [^\n]*Galaxy A52[^\n]*\n"                       # in repair
  "SMS to 09121234567: [^\n]*Galaxy A52[^\n]*۱۵۰۰۰۰۰[^\n]*\n"          # ready, with the cost
  "SMS to 09121234567: [^\n]*۱ تا ۵[^\n]*\n"                           # the survey
  "case R-1001: completed\n"
  "CRM: 15 points for 09121234567\n")
set(rest "${out}")
foreach(line IN LISTS expected)
  if(NOT rest MATCHES "${line}")
    message(FATAL_ERROR "phone_shop's output lacks, in this order, a line matching\n  ${line}\n"
                        "It printed:\n${out}")
  endif()
  # Look for the next one after this match only.
  string(FIND "${rest}" "${CMAKE_MATCH_0}" at)
  string(LENGTH "${CMAKE_MATCH_0}" length)
  math(EXPR after "${at} + ${length}")
  string(SUBSTRING "${rest}" ${after} -1 rest)
endforeach()
string(REGEX MATCHALL "SMS to" sms "${out}")
list(LENGTH sms count)
if(NOT count EQUAL 5)
  message(FATAL_ERROR "phone_shop sent ${count} SMS, expected 5:\n${out}")
endif()
message(STATUS "${out}")
