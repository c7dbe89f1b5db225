#include "gui/editors/BoundedSpinBox.h"

namespace mmf::studio {

QValidator::State BoundedSpinBox::validate(QString& input, int& pos) const
{
    const QValidator::State state = QSpinBox::validate(input, pos);
    if (state != QValidator::Invalid)
        return state;
    QString number = input;
    if (!prefix().isEmpty() && number.startsWith(prefix()))
        number.remove(0, prefix().size());
    if (!suffix().isEmpty() && number.endsWith(suffix()))
        number.chop(suffix().size());
    number = number.trimmed();
    bool ok = false;
    const qlonglong value = locale().toLongLong(number, &ok);
    const qlonglong plain = ok ? value : number.toLongLong(&ok);
    if (ok && (plain < minimum() || plain > maximum())) {
        // validate() is const and runs inside QLineEdit's key handling: report after it.
        auto* self = const_cast<BoundedSpinBox*>(this);
        QMetaObject::invokeMethod(
            self, [self, number] { emit self->outOfRange(number); }, Qt::QueuedConnection);
    }
    return state;
}

} // namespace mmf::studio
