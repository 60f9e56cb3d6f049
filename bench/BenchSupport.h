#pragma once

// What the benchmarks share: their command line (our own switches such as --quick taken out,
// Google Benchmark's flags after our defaults so that flags given on the command line win),
// CPU clocks and medians.
//
//   BenchCommandLine cl(argc, argv, {"--quick"});
//   const bool quick = cl.isSet("--quick");
//   if (!cl.initialize({quick ? "--benchmark_min_time=0.05" : "--benchmark_min_time=1"}))
//       return 2;

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <initializer_list>
#include <string>
#include <vector>

namespace mwauth::bench {

class BenchCommandLine
{
public:
    // Keeps argv[0] and every argument that is not one of `switches`.
    BenchCommandLine(int argc, char **argv, std::initializer_list<const char *> switches)
    {
        m_program = argv[0];
        for (int i = 1; i < argc; ++i) {
            const auto own = std::find_if(switches.begin(), switches.end(),
                                          [&](const char *name) { return std::strcmp(argv[i], name) == 0; });
            if (own != switches.end())
                m_switches.emplace_back(*own);
            else
                m_given.emplace_back(argv[i]);
        }
    }

    bool isSet(const char *name) const
    {
        return std::find(m_switches.begin(), m_switches.end(), name) != m_switches.end();
    }

    // Google Benchmark with `defaults` first, then the flags given. False when one of them
    // is not a flag it knows (it has said so; exit with 2).
    bool initialize(const std::vector<std::string> &defaults)
    {
        m_arguments = {m_program};
        m_arguments.insert(m_arguments.end(), defaults.begin(), defaults.end());
        m_arguments.insert(m_arguments.end(), m_given.begin(), m_given.end());
        m_pointers.clear();
        for (std::string &argument : m_arguments)
            m_pointers.push_back(argument.data());
        int count = static_cast<int>(m_pointers.size());
        benchmark::Initialize(&count, m_pointers.data());
        return !benchmark::ReportUnrecognizedArguments(count, m_pointers.data());
    }

private:
    std::string m_program;
    std::vector<std::string> m_switches;
    std::vector<std::string> m_given;
    // Alive as long as the command line: Google Benchmark is handed pointers into them.
    std::vector<std::string> m_arguments;
    std::vector<char *> m_pointers;
};

// CPU time of `clock` (CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID) in milliseconds.
inline double cpuMilliseconds(clockid_t clock)
{
    timespec now {};
    ::clock_gettime(clock, &now);
    return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

// The middle value (the upper one of the two middles for an even count); `values` must not
// be empty.
inline double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values.at(values.size() / 2);
}

} // namespace mwauth::bench
