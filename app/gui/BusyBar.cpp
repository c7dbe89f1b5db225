#include "gui/BusyBar.h"

namespace mmf::studio {

BusyBar::BusyBar(QWidget* parent, int maximumWidth)
    : QProgressBar(parent)
{
    setRange(0, 0);
    setMaximumWidth(maximumWidth);
    setMaximumHeight(10);
    setTextVisible(false);
    hide();
}

} // namespace mmf::studio
