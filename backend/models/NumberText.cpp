#include "models/NumberText.h"

#include <QLocale>

namespace mmf {

QString NumberText::format(double value)
{
    return QString::number(value, 'g', QLocale::FloatingPointShortest);
}

QString NumberText::binary(QStringView symbol, double a, double b)
{
    return QStringLiteral("%1 %2 %3").arg(format(a), symbol, format(b));
}

QString NumberText::negation(double a)
{
    return QStringLiteral("-(%1)").arg(format(a));
}

} // namespace mmf
