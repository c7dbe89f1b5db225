#pragma once

#include <QByteArray>

#include <vector>

namespace mmf {

// One FCALL of the broker library: the function, its one key (the model's task stream) and its arguments.
struct BrokerCall
{
    QByteArray function;
    QByteArray key;
    std::vector<QByteArray> args;

    // FCALL <function> 1 <key> <args...>
    std::vector<QByteArray> argv() const
    {
        std::vector<QByteArray> out;
        out.reserve(args.size() + 4);
        out.push_back(QByteArrayLiteral("FCALL"));
        out.push_back(function);
        out.push_back(QByteArrayLiteral("1"));
        out.push_back(key);
        out.insert(out.end(), args.begin(), args.end());
        return out;
    }
};

} // namespace mmf
