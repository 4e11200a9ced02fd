from procurehub.cli import main

main()
