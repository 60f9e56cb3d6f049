// `mwauth` as a whole: version, help at every level, and dispatch errors.

#include "CliRunner.h"

#include <QTest>

class TestCliGeneral : public QObject
{
    Q_OBJECT

private slots:
    void version_data();
    void version();
    void topLevelHelp();
    void helpOnStdout_data();
    void helpOnStdout();
    void dispatchErrors_data();
    void dispatchErrors();
};

void TestCliGeneral::version_data()
{
    QTest::addColumn<QString>("option");
    QTest::newRow("--version") << QStringLiteral("--version");
    QTest::newRow("-v") << QStringLiteral("-v");
}

void TestCliGeneral::version()
{
    QFETCH(QString, option);
    const CliRun run = runCli({option});
    CLI_VERIFY_RAN(run);
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(run.outText(), QStringLiteral("mwauth " MWAUTH_VERSION "\n"));
    QVERIFY(run.err.isEmpty());
}

void TestCliGeneral::topLevelHelp()
{
    const CliRun run = runCli({QStringLiteral("--help")});
    CLI_VERIFY_RAN(run);
    QCOMPARE(run.exitCode, 0);
    QVERIFY(run.err.isEmpty());
    const QString help = run.outText();
    QVERIFY(help.startsWith(QStringLiteral("Usage: mwauth")));
    // Every group is listed at the start of a line, and the exit statuses are documented.
    for (const char *group : {"jwt", "jwk", "totp", "oauth1", "pkce"})
        QVERIFY2(help.contains(QStringLiteral("\n  ") + QLatin1StringView(group) + u' '), group);
    for (const char *status : {"  0  ", "  1  ", "  2  ", "  3  "})
        QVERIFY2(help.contains(QLatin1StringView(status)), status);
}

void TestCliGeneral::helpOnStdout_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("usageLine"); // how the help text starts
    QTest::addColumn<QString>("mentions"); // something only this help says

    auto row = [](const char *name, QStringList arguments, const char *usage, const char *mentions) {
        QTest::newRow(name) << arguments << QString::fromLatin1(usage) << QString::fromLatin1(mentions);
    };
    row("jwt", {"jwt", "--help"}, "Usage: mwauth jwt <command>", "verify");
    row("jwt -h", {"jwt", "-h"}, "Usage: mwauth jwt <command>", "decode");
    row("jwk", {"jwk", "--help"}, "Usage: mwauth jwk <command>", "thumbprint");
    row("totp", {"totp", "--help"}, "Usage: mwauth totp <command>", "code");
    row("oauth1", {"oauth1", "--help"}, "Usage: mwauth oauth1 <command>", "sign");
    row("pkce", {"pkce", "--help"}, "Usage: mwauth pkce [options]", "--verifier");
    row("jwt decode", {"jwt", "decode", "--help"}, "Usage: mwauth jwt decode [options] token", "NOT checked");
    row("jwt verify", {"jwt", "verify", "--help"}, "Usage: mwauth jwt verify [options] token", "--jwks");
    row("jwt verify -h with junk", {"jwt", "verify", "--bogus", "-h"}, "Usage: mwauth jwt verify",
        "--leeway");
    row("jwk generate", {"jwk", "generate", "--help"}, "Usage: mwauth jwk generate [options]", "EdDSA");
    row("jwk public", {"jwk", "public", "--help"}, "Usage: mwauth jwk public [options] [file]", "--pem");
    row("jwk thumbprint", {"jwk", "thumbprint", "--help"}, "Usage: mwauth jwk thumbprint [options] [file]",
        "RFC 7638");
    row("totp code", {"totp", "code", "--help"}, "Usage: mwauth totp code [options]", "--digits");
    row("oauth1 sign", {"oauth1", "sign", "--help"}, "Usage: mwauth oauth1 sign [options]", "--param");
}

void TestCliGeneral::helpOnStdout()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, usageLine);
    QFETCH(QString, mentions);

    const CliRun run = runCli(arguments);
    CLI_VERIFY_RAN(run);
    QVERIFY2(run.exitCode == 0, run.describe().constData());
    QVERIFY2(run.err.isEmpty(), run.describe().constData());
    QVERIFY2(run.outText().startsWith(usageLine), run.describe().constData());
    QVERIFY2(run.outText().contains(mentions), run.describe().constData());
    QVERIFY2(run.outText().contains(QStringLiteral("Exit status:")), run.describe().constData());
}

void TestCliGeneral::dispatchErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");

    QTest::newRow("nothing") << QStringList {} << QStringLiteral("missing command");
    QTest::newRow("unknown group") << QStringList {"frobnicate"}
                                   << QStringLiteral("unknown command 'frobnicate'");
    QTest::newRow("unknown top option")
        << QStringList {"--frob"} << QStringLiteral("unknown option '--frob'");
    QTest::newRow("group without command") << QStringList {"jwt"} << QStringLiteral("missing command");
    QTest::newRow("unknown subcommand")
        << QStringList {"jwk", "rotate"} << QStringLiteral("unknown command 'rotate'");
    QTest::newRow("unknown option") << QStringList {"pkce", "--frob"}
                                    << QStringLiteral("Unknown option 'frob'");
    QTest::newRow("option without value")
        << QStringList {"pkce", "--verifier"} << QStringLiteral("Missing value");
    QTest::newRow("stray argument") << QStringList {"pkce", "extra"} << QStringLiteral("takes no arguments");
    QTest::newRow("control characters echoed safely")
        << QStringList {QStringLiteral("bad\x01\x1b[31mname")} << QStringLiteral("\\x01");
}

void TestCliGeneral::dispatchErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);

    const CliRun run = runCli(arguments);
    CLI_VERIFY_ERROR(run, 2, message);
}

QTEST_GUILESS_MAIN(TestCliGeneral)
#include "TestCliGeneral.moc"
