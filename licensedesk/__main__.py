from licensedesk.manage import main

main()
