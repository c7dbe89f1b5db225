# CPACK_PRE_BUILD_SCRIPTS of a build configured with MMF_FAULT_HOOKS=ON: packages never carry the fault hooks
# of test builds (core/FaultHook.h).
message(FATAL_ERROR "this build has the fault hooks of the test suite (MMF_FAULT_HOOKS=ON); configure it with "
                    "-DMMF_FAULT_HOOKS=OFF before building packages (scripts/check-packages.sh does)")
