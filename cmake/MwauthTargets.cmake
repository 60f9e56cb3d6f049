# Settings shared by every target of the project, and the helper that registers tests.

# mwauth_apply_common_settings(<target>)
#   C++20, warnings, hardening and Qt's strictness defines for one target.
function(mwauth_apply_common_settings target)
    target_compile_features(${target} PUBLIC cxx_std_20)
    set_target_properties(${target} PROPERTIES
        CXX_EXTENSIONS OFF
        CXX_VISIBILITY_PRESET hidden
        VISIBILITY_INLINES_HIDDEN ON)
    target_compile_definitions(${target} PRIVATE
        QT_NO_CAST_TO_ASCII
        QT_RESTRICTED_CAST_FROM_ASCII
        QT_NO_URL_CAST_FROM_STRING
        QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
        QT_USE_QSTRINGBUILDER
        QT_NO_FOREACH
        QT_MESSAGELOGCONTEXT
        QT_DISABLE_DEPRECATED_BEFORE=0x060400
        MWAUTH_VERSION="${PROJECT_VERSION}"
        $<$<NOT:$<CONFIG:Debug>>:_FORTIFY_SOURCE=2>)
    if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
        target_compile_options(${target} PRIVATE
            -Wall -Wextra -Wpedantic
            -Wold-style-cast -Wnon-virtual-dtor -Woverloaded-virtual
            -Wcast-qual -Wformat=2 -Wimplicit-fallthrough
            -fstack-protector-strong)
        if(MWAUTH_WERROR)
            target_compile_options(${target} PRIVATE -Werror)
        endif()
        get_target_property(type ${target} TYPE)
        if(type STREQUAL "EXECUTABLE")
            target_link_options(${target} PRIVATE -Wl,-z,relro,-z,now -Wl,--as-needed)
        endif()
    endif()
    if(MWAUTH_BUILD_FUZZERS)
        # Every target of a fuzz build gets ASan + UBSan (any finding aborts) and libFuzzer's
        # coverage hooks; the fuzz executables add -fsanitize=fuzzer (tests/fuzz).
        target_compile_options(${target} PRIVATE
            -fsanitize=address,undefined -fsanitize=fuzzer-no-link
            -fno-sanitize-recover=all -fno-omit-frame-pointer)
        target_link_options(${target} PRIVATE -fsanitize=address,undefined)
    endif()
endfunction()

# mwauth_add_test(<name> SOURCES ... [LIBRARIES ...] LABELS ... [LAUNCHER ...]
#                 [TIMEOUT s] [ENVIRONMENT K=V ...])
#   One executable per Qt Test class; registered with ctest under <name>, with the
#   environment every test wants (offscreen Qt platform, UTF-8 locale, asserts on).
function(mwauth_add_test name)
    cmake_parse_arguments(arg "" "TIMEOUT" "SOURCES;LIBRARIES;LABELS;LAUNCHER;ENVIRONMENT" ${ARGN})
    if(NOT arg_LABELS)
        message(FATAL_ERROR "mwauth_add_test(${name}): LABELS is required")
    endif()
    set(known unit gui keychain provider peer bench)
    foreach(label IN LISTS arg_LABELS)
        if(NOT label IN_LIST known)
            message(FATAL_ERROR "mwauth_add_test(${name}): unknown label '${label}'")
        endif()
    endforeach()
    add_executable(${name} ${arg_SOURCES})
    mwauth_apply_common_settings(${name})
    target_link_libraries(${name} PRIVATE Qt6::Test ${arg_LIBRARIES})
    target_compile_definitions(${name} PRIVATE
        MWAUTH_SHARED_DIR="${MWAUTH_SHARED_DIR}"
        MWAUTH_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
    add_test(NAME ${name} COMMAND ${arg_LAUNCHER} $<TARGET_FILE:${name}>)
    if(NOT arg_TIMEOUT)
        set(arg_TIMEOUT 120)
    endif()
    set_tests_properties(${name} PROPERTIES
        LABELS "${arg_LABELS}"
        TIMEOUT ${arg_TIMEOUT}
        ENVIRONMENT "QT_QPA_PLATFORM=offscreen;LANG=C.UTF-8;LC_ALL=C.UTF-8;QT_FORCE_ASSERTS=1;QT_LOGGING_RULES=mwauth.*.debug=false;${arg_ENVIRONMENT}")
endfunction()
