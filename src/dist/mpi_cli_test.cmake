# `mpirun -np 2 xpuplan simulate ...` against one process: the same stdout, byte for byte.
set(args simulate ${ROOT}/examples/portfolio.yaml --plan ${ROOT}/tests/data/sim/example-plan.json
         --risks ${ROOT}/examples/risks.yaml --replicas 13 --seed 4 --threads 2
         --policy static --policy failover --json -q)
execute_process(COMMAND ${XPUPLAN} ${args} OUTPUT_VARIABLE one RESULT_VARIABLE one_rc ERROR_VARIABLE one_err)
if(NOT one_rc EQUAL 0)
  message(FATAL_ERROR "one process: exit ${one_rc}\n${one_err}")
endif()
set(flags ${MPI_FLAGS})
execute_process(COMMAND ${MPIEXEC} ${NP_FLAG} 2 ${flags} ${XPUPLAN} ${args}
                OUTPUT_VARIABLE two RESULT_VARIABLE two_rc ERROR_VARIABLE two_err)
if(NOT two_rc EQUAL 0)
  message(FATAL_ERROR "2 ranks: exit ${two_rc}\n${two_err}")
endif()
if(NOT one STREQUAL two)
  message(FATAL_ERROR "2 ranks print different bytes than one process")
endif()
string(LENGTH "${one}" n)
message(STATUS "2 ranks and one process print the same ${n} bytes")
