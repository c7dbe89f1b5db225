#include "core/LanguageManager.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLibraryInfo>
#include <QLocale>

namespace mmf::studio {

LanguageManager::LanguageManager(QSettings& settings, QObject* parent, QString translationsDir)
    : QObject(parent)
    , m_settings(settings)
    , m_translationsDir(std::move(translationsDir))
{}

QString LanguageManager::defaultTranslationsDir()
{
    return QDir::cleanPath(QCoreApplication::applicationDirPath() +
                           QStringLiteral("/../share/mmf-studio/translations"));
}

LanguageManager::~LanguageManager()
{
    if (m_translator)
        QCoreApplication::removeTranslator(m_translator.get());
    if (m_qtTranslator)
        QCoreApplication::removeTranslator(m_qtTranslator.get());
}

QStringList LanguageManager::available()
{
    return {QStringLiteral("en"), QStringLiteral("ru")};
}

QString LanguageManager::nativeName(const QString& code)
{
    if (code == QLatin1String("ru"))
        return QStringLiteral("Русский");
    if (code == QLatin1String("en"))
        return QStringLiteral("English");
    return code;
}

bool LanguageManager::setLanguage(const QString& code)
{
    if (!available().contains(code))
        return false;
    if (code == m_language)
        return true;
    auto translator = std::make_unique<QTranslator>();
    const QString installed = QDir(m_translationsDir).filePath(QStringLiteral("mmf_%1.qm").arg(code));
    const QString builtIn = QStringLiteral(":/i18n/mmf_%1.qm").arg(code);
    QString from = installed;
    if (!QFileInfo::exists(installed) || !translator->load(installed)) {
        from = builtIn;
        if (!translator->load(builtIn))
            return false;
    }
    // Qt's own strings (standard buttons, file dialogs); optional: English needs none.
    std::unique_ptr<QTranslator> qtTranslator;
    if (code != QLatin1String("en")) {
        qtTranslator = std::make_unique<QTranslator>();
        if (!qtTranslator->load(QStringLiteral("qtbase_") + code,
                                QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
            qtTranslator.reset();
    }
    if (m_translator)
        QCoreApplication::removeTranslator(m_translator.get());
    if (m_qtTranslator)
        QCoreApplication::removeTranslator(m_qtTranslator.get());
    m_translator = std::move(translator);
    m_qtTranslator = std::move(qtTranslator);
    if (m_qtTranslator)
        QCoreApplication::installTranslator(m_qtTranslator.get());
    // Installing sends QEvent::LanguageChange to every widget.
    QCoreApplication::installTranslator(m_translator.get());
    m_language = code;
    m_loadedFrom = from;
    m_settings.setValue(QStringLiteral("ui/language"), code);
    emit languageChanged(code);
    return true;
}

QString LanguageManager::initialLanguage() const
{
    const QString remembered = m_settings.value(QStringLiteral("ui/language")).toString();
    if (available().contains(remembered))
        return remembered;
    const QString system = QLocale::system().name().section(QLatin1Char('_'), 0, 0);
    return available().contains(system) ? system : QStringLiteral("en");
}

void LanguageManager::restore()
{
    if (!setLanguage(initialLanguage()))
        setLanguage(QStringLiteral("en"));
}

} // namespace mmf::studio
