#pragma once

#include <QObject>
#include <QSettings>
#include <QStringList>
#include <QTranslator>

#include <memory>

namespace mmf::studio {

// Switches the studio's language at run time: installs the translator of mmf_<code>.qm — from the
// translations folder the packages install (../share/mmf-studio/translations beside the program), else the
// copy compiled in as :/i18n/mmf_<code>.qm — (and Qt's own qtbase_<code>.qm when the system has it) on the
// application, removing the previous ones, so every widget gets QEvent::LanguageChange and retranslates.
// Remembers the choice in settings (key ui/language).
class LanguageManager : public QObject
{
    Q_OBJECT
public:
    explicit LanguageManager(QSettings& settings, QObject* parent = nullptr,
                             QString translationsDir = defaultTranslationsDir());
    ~LanguageManager() override;

    // Language codes the studio ships ("en", "ru").
    static QStringList available();
    // The language's own name ("English", "Русский") for menus.
    static QString nativeName(const QString& code);

    // ../share/mmf-studio/translations beside the program (/usr/share/mmf-studio/translations when
    // installed).
    static QString defaultTranslationsDir();

    QString language() const { return m_language; }
    // The .qm file the current language came from (empty before the first setLanguage()).
    QString loadedFrom() const { return m_loadedFrom; }
    // Loads and installs the language; false (nothing changed) for a code not shipped or a missing .qm.
    bool setLanguage(const QString& code);
    // The remembered language, else the system locale's when shipped, else English.
    QString initialLanguage() const;
    // setLanguage(initialLanguage()).
    void restore();

signals:
    void languageChanged(const QString& code);

private:
    QSettings& m_settings;
    QString m_translationsDir;
    QString m_language;
    QString m_loadedFrom;
    std::unique_ptr<QTranslator> m_translator;
    std::unique_ptr<QTranslator> m_qtTranslator;
};

} // namespace mmf::studio
