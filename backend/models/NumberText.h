#pragma once

#include <QString>

namespace mmf {

// Numbers as the sample models show them in logs and messages.
class NumberText
{
public:
    // The shortest text that reads back as the same double ("0.1", "3", "1e+300"), independent of the locale.
    static QString format(double value);
    // "1 + 2" for a binary operator's symbol and operands.
    static QString binary(QStringView symbol, double a, double b);
    // "-(3)".
    static QString negation(double a);
};

} // namespace mmf
