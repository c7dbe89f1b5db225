#include "gui/SettingsPage.h"

#include "core/LanguageManager.h"

#include <QComboBox>
#include <QEvent>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace mmf::studio {

SettingsPage::SettingsPage(StudioContext& context, QWidget* parent)
    : QWidget(parent)
    , m_context(context)
    , m_languages(new LanguageManager(context.settings, this))
    , m_title(new QLabel(this))
    , m_languageBox(new QGroupBox(this))
    , m_languageLabel(new QLabel(m_languageBox))
    , m_languageCombo(new QComboBox(m_languageBox))
    , m_layoutBox(new QGroupBox(this))
    , m_layoutLabel(new QLabel(m_layoutBox))
    , m_forgetLayout(new QPushButton(m_layoutBox))
    , m_status(new QLabel(this))
{
    setObjectName(QStringLiteral("settingsPage"));
    m_title->setObjectName(QStringLiteral("settingsTitle"));
    m_languageCombo->setObjectName(QStringLiteral("languageCombo"));
    m_forgetLayout->setObjectName(QStringLiteral("forgetLayoutButton"));
    m_status->setObjectName(QStringLiteral("settingsStatus"));

    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.3);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_layoutLabel->setWordWrap(true);

    for (const QString& code : LanguageManager::available())
        m_languageCombo->addItem(LanguageManager::nativeName(code), code);

    auto* languageLayout = new QFormLayout(m_languageBox);
    languageLayout->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
    languageLayout->addRow(m_languageLabel, m_languageCombo);
    auto* layoutLayout = new QVBoxLayout(m_layoutBox);
    layoutLayout->addWidget(m_layoutLabel);
    layoutLayout->addWidget(m_forgetLayout, 0, Qt::AlignLeft);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addWidget(m_languageBox);
    layout->addWidget(m_layoutBox);
    layout->addWidget(m_status);
    layout->addStretch(1);

    m_languages->restore();
    m_languageCombo->setCurrentIndex(std::max(0, m_languageCombo->findData(m_languages->language())));
    connect(m_languageCombo, &QComboBox::currentIndexChanged, this,
            [this] { setLanguage(m_languageCombo->currentData().toString()); });
    connect(m_forgetLayout, &QPushButton::clicked, this, &SettingsPage::forgetLayout);
    retranslateUi();
}

SettingsPage::~SettingsPage() = default;

bool SettingsPage::setLanguage(const QString& code)
{
    if (!m_languages->setLanguage(code))
        return false;
    const QSignalBlocker blocker(m_languageCombo);
    m_languageCombo->setCurrentIndex(std::max(0, m_languageCombo->findData(code)));
    return true;
}

void SettingsPage::forgetLayout()
{
    for (const QString& key : {QStringLiteral("mainWindow/geometry"), QStringLiteral("mainWindow/state"),
                               QStringLiteral("dictionary/splitter"), QStringLiteral("dictionary/columns"),
                               QStringLiteral("model_page/splitter")})
        m_context.settings.remove(key);
    // Back to the default size now; the window saves whatever it has when it closes.
    if (QWidget* top = window(); top && top != this) {
        top->showNormal();
        top->resize(1200, 800);
    }
    m_status->setText(tr("The window layout is back to the default."));
    emit layoutForgotten();
}

void SettingsPage::retranslateUi()
{
    m_title->setText(tr("Settings"));
    m_languageBox->setTitle(tr("Language"));
    m_languageLabel->setText(tr("Interface language:"));
    m_layoutBox->setTitle(tr("Window layout"));
    m_layoutLabel->setText(tr("The studio remembers its window size and position, the sizes of its panes and "
                              "the page you were on."));
    m_forgetLayout->setText(tr("Reset the window layout"));
    if (!m_status->text().isEmpty())
        m_status->setText(tr("The window layout is back to the default."));
}

void SettingsPage::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QWidget::changeEvent(event);
}

} // namespace mmf::studio
